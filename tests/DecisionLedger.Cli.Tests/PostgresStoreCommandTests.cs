namespace DecisionLedger.Cli.Tests;

/// <summary>The CLI against a real PostgreSQL store: migrate, init, record, query, verify with <c>--store postgres</c>.</summary>
public sealed class PostgresStoreCommandTests : IDisposable
{
    private readonly TempLedger _ledger = new();

    /// <inheritdoc />
    public void Dispose() => _ledger.Dispose();

    [PostgresFact]
    public async Task Commands_WithStorePostgres_RecordQueryAndVerifyThroughTheAppRole()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        string[] store = ledger.Store;

        CliResult init = await CliRun.RunAsync(["init", "--origin", "test.example/pg", .. store]);
        CliResult record = await CliRun.RunWithInputAsync(
            """
            {"model":{"name":"fraud","version":"1"},"input":{"amount":5},"output":{"score":0.1},"actor":{"userId":"jane"}}
            {"model":{"name":"fraud","version":"1"},"input":{"amount":7},"output":{"score":0.9}}
            """,
            null,
            ["record", .. store]);
        CliResult query = await CliRun.RunAsync(["query", "--user", "jane", "--json", .. store]);
        CliResult verify = await CliRun.RunAsync(["verify", .. store]);

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Contains("\"seq\":0", query.Out.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.False(File.Exists(Path.Combine(ledger.Directory, "ledger.db")), "the entries belong in PostgreSQL, not in a SQLite file");
    }

    [Fact]
    public async Task StorePostgres_WithoutConnection_ExitsTwoNamingTheOption()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_CONNECTION") is { Length: > 0 })
        {
            return;
        }

        CliResult result = await CliRun.RunAsync("query", "--ledger", _ledger.Ledger, "--store", "postgres");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--connection", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_BadSchemaName_ExitsTwoNamingTheOption()
    {
        CliResult result = await CliRun.RunAsync("migrate", "--connection", "Host=127.0.0.1", "--schema", "Bad;Name");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--schema", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>A fact that needs DLEDGER_TEST_POSTGRES: skipped with the reason when it is unset, unless CI requires services.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when no PostgreSQL is configured and services are not required.</summary>
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES") is not { Length: > 0 } && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = "DLEDGER_TEST_POSTGRES is not set: source .ci/services.sh to run the PostgreSQL CLI tests.";
        }
    }
}
