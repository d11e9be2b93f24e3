using System.Text.Json;
using Npgsql;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Entry format 2 on a real PostgreSQL store through the CLI: init, record, erase and verify with <c>--store postgres</c>;
/// afterwards no table of the schema holds the erased subject's id.
/// </summary>
public sealed class PostgresEntryFormatV2Tests : IAsyncLifetime, IDisposable
{
    private const string Variable = "DLEDGER_TEST_POSTGRES";
    private const string DatabaseName = "dledger_cli_tests";
    private const string SubjectId = "pg.v2-subject-5531@example.test";
    private readonly TempLedger _ledger = new();
    private readonly string _schema = "cliv2_" + Guid.NewGuid().ToString("N")[..20];
    private readonly string _role = "dledger_cliv2_" + Guid.NewGuid().ToString("N")[..16];

    private static string Server => Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    private static string Owner => new NpgsqlConnectionStringBuilder(Server) { Database = DatabaseName, PersistSecurityInfo = true }.ConnectionString;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
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

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE; DROP ROLE IF EXISTS \"{_role}\";", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _ledger.Dispose();

    [PostgresFact]
    public async Task EntryFormat2_RecordEraseVerify_NoTableHoldsTheErasedSubjectId()
    {
        CliResult migrate = await CliRun.RunAsync("migrate", "--connection", Owner, "--schema", _schema, "--app-role", _role, "--json");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        await using (var connection = new NpgsqlConnection(Owner))
        {
            await connection.OpenAsync();
            await using var password = new NpgsqlCommand($"ALTER ROLE \"{_role}\" PASSWORD 'cli-secret';", connection);
            await password.ExecuteNonQueryAsync();
        }

        string app = new NpgsqlConnectionStringBuilder(Owner) { Username = _role, Password = "cli-secret", PersistSecurityInfo = true }.ConnectionString;
        string[] store = ["--ledger", _ledger.Ledger, "--store", "postgres", "--connection", app, "--schema", _schema];
        CliResult init = await CliRun.RunAsync(["init", "--origin", "test.example/pg-v2", "--entry-format", "2", .. store]);
        Assert.True(init.ExitCode == 0, init.ToString());
        string about = "{\"model\":{\"name\":\"fraud\",\"version\":\"1\"},\"input\":{\"amount\":5},\"output\":{\"score\":0.1},\"subject\":{\"id\":\"" + SubjectId + "\"}}\n";
        CliResult record = await CliRun.RunWithInputAsync(about + Some.DecisionLines(3) + about, null, ["record", .. store]);
        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.True(await CountRowsHoldingAsync(SubjectId) > 0, "the mapping row must hold the id before erasure, or the test proves nothing");

        CliResult query = await CliRun.RunAsync(["query", "--subject", SubjectId, "--json", .. store]);
        Assert.True(query.ExitCode == 0, query.ToString());
        using (JsonDocument found = JsonDocument.Parse(query.Out))
        {
            Assert.Equal(2, found.RootElement.GetProperty("entries").GetArrayLength());
        }

        CliResult erase = await CliRun.RunAsync(["erase", "--subject", SubjectId, "--reason", "GDPR Art. 17 request", "--by", "dpo", "--json", .. store]);
        Assert.True(erase.ExitCode == 0, erase.ToString());
        using (JsonDocument json = JsonDocument.Parse(erase.Out))
        {
            Assert.Equal(2, json.RootElement.GetProperty("decisionsErased").GetInt64());
        }

        Assert.Equal(0, await CountRowsHoldingAsync(SubjectId));
        CliResult verify = await CliRun.RunAsync(["verify", .. store]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    // Every row of every table of the schema, as text (bytea columns appear as hex): a subject id left anywhere is found.
    private async Task<long> CountRowsHoldingAsync(string text)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema AND table_type = 'BASE TABLE';", connection))
        {
            list.Parameters.AddWithValue("schema", _schema);
            await using NpgsqlDataReader reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        long count = 0;
        foreach (string table in tables)
        {
            await using var search = new NpgsqlCommand($"SELECT count(*) FROM \"{_schema}\".\"{table}\" t WHERE position(@text in t::text) > 0 OR position(@hex in t::text) > 0;", connection);
            search.Parameters.AddWithValue("text", text);
            search.Parameters.AddWithValue("hex", Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(text)));
            count += (long)(await search.ExecuteScalarAsync())!;
        }

        return count;
    }
}
