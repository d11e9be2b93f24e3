using System.Text;
using Npgsql;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Edits of PostgreSQL's <c>request_ids</c> table, derived from the entries and covered by no
/// hash, made by the owner behind the append-only triggers: verify must name the seq and the
/// table's column, exit 1, not pass.
/// </summary>
public sealed class PostgresDerivedTableTamperTests : IAsyncLifetime, IDisposable
{
    private const string Variable = "DLEDGER_TEST_POSTGRES";
    private const string DatabaseName = "dledger_cli_tests";
    private readonly TempLedger _ledger = new();
    private readonly string _schema = "cli_" + Guid.NewGuid().ToString("N")[..20];
    private readonly string _role = "dledger_cli_" + Guid.NewGuid().ToString("N")[..16];
    private string[] _store = [];

    private static string Owner => new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)) { Database = DatabaseName, PersistSecurityInfo = true }.ConnectionString;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } server)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", connection);
                await create.ExecuteNonQueryAsync();
            }
            catch (PostgresException exception) when (exception.SqlState is "42P04" or "23505")
            {
                // It exists already, or another test created it at the same moment.
            }
        }

        CliResult migrate = await CliRun.RunAsync("migrate", "--connection", Owner, "--schema", _schema, "--app-role", _role, "--json");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        await ExecuteAsOwnerAsync($"ALTER ROLE \"{_role}\" PASSWORD 'cli-secret';");
        string app = new NpgsqlConnectionStringBuilder(Owner) { Username = _role, Password = "cli-secret", PersistSecurityInfo = true }.ConnectionString;
        _store = ["--ledger", _ledger.Ledger, "--store", "postgres", "--connection", app, "--schema", _schema];

        CliResult init = await CliRun.RunAsync(["init", "--origin", "test.example/pg", .. _store]);
        Assert.True(init.ExitCode == 0, init.ToString());
        var lines = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            lines.Append("{\"model\":{\"name\":\"fraud\",\"version\":\"1\"},\"input\":{\"amount\":").Append(i)
                .Append("},\"output\":{\"score\":0.1},\"actor\":{\"userId\":\"user-").Append(i).Append("\"}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, ["record", .. _store]);
        Assert.True(record.ExitCode == 0, record.ToString());
        CliResult verify = await CliRun.RunAsync(["verify", .. _store]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            return;
        }

        await ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE; DROP ROLE IF EXISTS \"{_role}\";");
    }

    /// <inheritdoc />
    public void Dispose() => _ledger.Dispose();

    [PostgresFact]
    public async Task Verify_RequestIdsSeqsSwapped_ReportsIndexMismatchNamingRequestId()
    {
        await TamperAsync("UPDATE {t} SET seq = -1 WHERE seq = 3; UPDATE {t} SET seq = 3 WHERE seq = 9; UPDATE {t} SET seq = 9 WHERE seq = -1;");

        CliResult result = await CliRun.RunAsync(["verify", .. _store]);

        SqliteTamper.AssertFinding(result, 3, "index-mismatch");
        Assert.Contains("'request_ids.request_id' column of seq 3", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdEdited_ReportsIndexMismatchNamingRequestId()
    {
        await TamperAsync("UPDATE {t} SET request_id = 'forged-request' WHERE seq = 6;");

        CliResult result = await CliRun.RunAsync(["verify", .. _store]);

        SqliteTamper.AssertFinding(result, 6, "index-mismatch");
        Assert.Contains("'request_ids.request_id' column of seq 6 holds 'forged-request'", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdsTimeEdited_ReportsIndexMismatchNamingTs()
    {
        await TamperAsync("UPDATE {t} SET ts = ts + interval '1 second' WHERE seq = 5;");

        CliResult result = await CliRun.RunAsync(["verify", .. _store]);

        SqliteTamper.AssertFinding(result, 5, "index-mismatch");
        Assert.Contains("'request_ids.ts' column of seq 5", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdsRowDeleted_ReportsMissingRow()
    {
        await TamperAsync("DELETE FROM {t} WHERE seq = 4;");

        CliResult result = await CliRun.RunAsync(["verify", .. _store]);

        SqliteTamper.AssertFinding(result, 4, "index-mismatch");
        Assert.Contains("'request_ids' table has no row for seq 4", result.Out, StringComparison.Ordinal);
    }

    // A row past the last entry moves the ledger's size (max seq + 1 of request_ids): opening the
    // store finds the entries short and verify reports the store damaged, naming request_ids.
    [PostgresFact]
    public async Task Verify_RequestIdsRowPointingNowhere_FailsNamingRequestIds()
    {
        await TamperAsync("INSERT INTO {t}(request_id, seq, ts) VALUES ('forged-request', 20, now());");

        CliResult result = await CliRun.RunAsync(["verify", .. _store]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("request_ids.seq", result.Out, StringComparison.Ordinal);
    }

    private async Task TamperAsync(string sql)
    {
        string table = $"\"{_schema}\".request_ids";
        await ExecuteAsOwnerAsync($"ALTER TABLE {table} DISABLE TRIGGER USER; {sql.Replace("{t}", table, StringComparison.Ordinal)} ALTER TABLE {table} ENABLE TRIGGER USER;");
    }

    private static async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
