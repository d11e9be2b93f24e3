using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary><c>dledger import --format audit-table</c> from SQLite (the fixture's SQL) and from the real PostgreSQL.</summary>
public sealed class AuditTableImportTests
{
    [Fact]
    public async Task Import_SqliteAuditTable_LandsInALedgerThatVerifies_WithCountsThatAddUp()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        string source = await CreateSqliteAsync(ledger, await File.ReadAllTextAsync(ImportLedger.Fixture("audit-table.sql")));

        (CliResult result, JsonElement report) = await ledger.ImportAsync("--format", "audit-table", "--source", source, "--table", "audit_log");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        await ledger.AssertCountsAsync(report, read: 8, imported: 3, duplicates: 1, bad: 4);
        await ledger.AssertVerifiesAsync();
        Dictionary<string, JsonElement> decisions = await ledger.DecisionsAsync(report.GetProperty("eventSeq").GetInt64());
        Assert.Equal(["r-1001", "r-1002", "r-1007"], decisions.Keys.Order(StringComparer.Ordinal));

        JsonElement first = decisions["r-1001"].GetProperty("entry");
        Assert.Equal("loan-approval", first.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal("2.4.0", first.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal("analyst_jane", first.GetProperty("actor").GetProperty("userId").GetString());
        Assert.Equal(23.5, first.GetProperty("latencyMs").GetDouble());
        Assert.Equal("2026-11-20T08:00:01.120000Z", first.GetProperty("timestamp").GetString());
        Assert.Equal("branch", first.GetProperty("metadata").GetProperty("channel").GetString());
        JsonElement from = first.GetProperty("metadata").GetProperty("importedFrom");
        Assert.Equal("audit_log", from.GetProperty("table").GetString());
        Assert.Equal("2026-11-20 08:00:01.120", from.GetProperty("timestamp").GetString());
        Assert.Equal("income=18000;age=23;region=south", decisions["r-1002"].GetProperty("input").GetProperty("text").GetString());
        Assert.Equal("[EMAIL]", decisions["r-1007"].GetProperty("input").GetProperty("email").GetString());

        ImportLedger.AssertProblem(report, "row 3 (request_id 'r-1003')", "output_data", "null");
        ImportLedger.AssertProblem(report, "row 4 (request_id 'r-1005')", "input_data", "not valid UTF-8 (byte 0xE9");
        ImportLedger.AssertProblem(report, "row 5 (request_id 'r-1006')", "metadata", "not a JSON object");
        ImportLedger.AssertProblem(report, "row 8 (request_id 'r-1004')", "timestamp", "'yesterday' is not a time");

        (_, JsonElement again) = await ledger.ImportAsync("--format", "audit-table", "--source", source, "--table", "audit_log");
        await ledger.AssertCountsAsync(again, read: 8, imported: 0, duplicates: 4, bad: 4);
        await ledger.AssertVerifiesAsync();
    }

    [Fact]
    public async Task Import_AuditTableWithOtherColumnNames_UsesTheColumnMapping()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        string source = await CreateSqliteAsync(ledger, """
            CREATE TABLE predictions (req TEXT, created_at TEXT, model TEXT, ver TEXT, features TEXT, prediction TEXT);
            INSERT INTO predictions VALUES ('p-1', '2026-11-20T08:00:00Z', 'churn', '7', '{"tenure": 14}', '{"churn": 0.2}');
            """);
        string[] mapping = ["--column", "request_id=req", "--column", "timestamp=created_at", "--column", "model_name=model", "--column", "model_version=ver", "--column", "input_data=features", "--column", "output_data=prediction"];

        (CliResult result, JsonElement report) = await ledger.ImportAsync(["--format", "audit-table", "--source", source, "--table", "predictions", .. mapping]);

        Assert.True(result.ExitCode == 0, result.ToString());
        await ledger.AssertCountsAsync(report, read: 1, imported: 1, duplicates: 0, bad: 0);
        CliResult unmapped = await CliRun.RunAsync("import", "--ledger", ledger.Ledger, "--format", "audit-table", "--source", source, "--table", "predictions");
        Assert.Equal(ExitCodes.BadInput, unmapped.ExitCode);
        Assert.Contains("has no column 'request_id' for request_id; map it with --column request_id=COLUMN", unmapped.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_TableNameThatIsNotAnIdentifier_IsRefused()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        string source = await CreateSqliteAsync(ledger, "CREATE TABLE t (x TEXT);");

        CliResult result = await CliRun.RunAsync("import", "--ledger", ledger.Ledger, "--format", "audit-table", "--source", source, "--table", "t; DROP TABLE t");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--table: 't; DROP TABLE t' is not a plain SQL identifier", result.Error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Import_PostgreSqlAuditTable_LandsInALedgerThatVerifies_WithCountsThatAddUp()
    {
        using ImportLedger ledger = await ImportLedger.CreateAsync();
        string schema = "import_" + Guid.CreateVersion7().ToString("N")[..16];
        string database = await EnsureDatabaseAsync();
        await ExecuteAsync(database, $$"""
            CREATE SCHEMA {{schema}};
            CREATE TABLE {{schema}}.audit_log (
                request_id text PRIMARY KEY, "timestamp" timestamptz NOT NULL, model_name text NOT NULL, model_version text NOT NULL,
                input_data jsonb, output_data jsonb, user_id text, latency_ms double precision, metadata jsonb);
            INSERT INTO {{schema}}.audit_log VALUES
              ('pg-1', '2026-11-20 08:00:01.5+01', 'loan-approval', '2.4.0', '{"income": 52000}', '{"approved": true}', 'jane', 12.5, '{"channel": "web"}'),
              ('pg-2', '2026-11-20 08:00:02+00', 'loan-approval', '2.4.0', '{"income": 18000, "email": "x.y@example.com"}', '{"approved": false}', NULL, NULL, NULL),
              ('pg-3', '2026-11-20 08:00:03+00', 'loan-approval', '2.4.0', '{"income": 1}', NULL, NULL, NULL, NULL);
            """);
        try
        {
            string[] import = ["--format", "audit-table", "--source", database, "--table", schema + ".audit_log"];

            (_, JsonElement report) = await ledger.ImportAsync(import);

            await ledger.AssertCountsAsync(report, read: 3, imported: 2, duplicates: 0, bad: 1);
            Assert.DoesNotContain("Password", report.GetProperty("source").GetString(), StringComparison.OrdinalIgnoreCase);
            ImportLedger.AssertProblem(report, "row 3 (request_id 'pg-3')", "output_data", "null");
            await ledger.AssertVerifiesAsync();
            Dictionary<string, JsonElement> decisions = await ledger.DecisionsAsync(report.GetProperty("eventSeq").GetInt64());
            JsonElement first = decisions["pg-1"].GetProperty("entry");
            Assert.Equal("2026-11-20T07:00:01.500000Z", first.GetProperty("timestamp").GetString());
            Assert.Equal("web", first.GetProperty("metadata").GetProperty("channel").GetString());
            Assert.Equal("[EMAIL]", decisions["pg-2"].GetProperty("input").GetProperty("email").GetString());

            (_, JsonElement again) = await ledger.ImportAsync(import);
            await ledger.AssertCountsAsync(again, read: 3, imported: 0, duplicates: 2, bad: 1);
            await ledger.AssertVerifiesAsync();
        }
        finally
        {
            await ExecuteAsync(database, $"DROP SCHEMA {schema} CASCADE;");
        }
    }

    private static async Task<string> CreateSqliteAsync(ImportLedger ledger, string sql)
    {
        string path = Path.Combine(ledger.Root, "audit-" + Guid.CreateVersion7().ToString("N") + ".db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        return $"Data Source={path}";
    }

    private static async Task<string> EnsureDatabaseAsync()
    {
        string server = Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES")!;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            try
            {
                await using var create = new NpgsqlCommand("CREATE DATABASE dledger_cli_tests;", connection);
                await create.ExecuteNonQueryAsync();
            }
            catch (PostgresException exception) when (exception.SqlState is "42P04" or "23505")
            {
                // It exists already, or another test created it at the same moment.
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = "dledger_cli_tests", PersistSecurityInfo = true }.ConnectionString;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
