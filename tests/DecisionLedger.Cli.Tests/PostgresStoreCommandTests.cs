using Npgsql;

namespace DecisionLedger.Cli.Tests;

/// <summary>The CLI against a real PostgreSQL store: migrate, init, record, query, verify with <c>--store postgres</c>.</summary>
public sealed class PostgresStoreCommandTests : IAsyncLifetime, IDisposable
{
    private const string Variable = "DLEDGER_TEST_POSTGRES";
    private readonly TempLedger _ledger = new();
    private readonly string _schema = "cli_" + Guid.NewGuid().ToString("N")[..20];
    private readonly string _role = "dledger_cli_" + Guid.NewGuid().ToString("N")[..16];

    private const string DatabaseName = "dledger_cli_tests";

    private static string Server => Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    // The owner may not create schemas in the 'postgres' database: tests use their own database.
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
    public async Task Commands_WithStorePostgres_RecordQueryAndVerifyThroughTheAppRole()
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
        Assert.False(File.Exists(_ledger.Database), "the entries belong in PostgreSQL, not in a SQLite file");
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
