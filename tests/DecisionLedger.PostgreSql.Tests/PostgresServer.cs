using Npgsql;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// The real PostgreSQL the tests use (DLEDGER_TEST_POSTGRES, an owner role with CREATEDB and
/// CREATEROLE). Tests share one database, <c>dledger_tests</c>, and each takes its own fresh schema,
/// so they run in parallel without seeing each other.
/// </summary>
internal static class PostgresServer
{
    public const string Variable = "DLEDGER_TEST_POSTGRES";
    private const string DatabaseName = "dledger_tests";
    private static readonly Lazy<Task<string>> s_database = new(CreateDatabaseAsync);

    /// <summary>Why PostgreSQL tests are skipped, or null when they run.</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") == "1"
            ? null
            : $"{Variable} is not set: source .ci/services.sh to run the PostgreSQL tests.";

    /// <summary>The owner connection string of the shared test database, created on first use.</summary>
    public static Task<string> OwnerConnectionStringAsync() => s_database.Value;

    /// <summary>A fresh schema name no other test uses.</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>A fresh role name no other test uses.</summary>
    public static string NewRoleName() => "dledger_app_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Runs one statement as the owner.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops a test schema and everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        string owner = await OwnerConnectionStringAsync();
        await ExecuteAsync(owner, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
    }

    /// <summary>Drops a test role; drop its schema first, which takes its grants with it.</summary>
    public static async Task DropRoleAsync(string role)
    {
        string owner = await OwnerConnectionStringAsync();
        await ExecuteAsync(owner, $"DROP ROLE IF EXISTS \"{role}\";");
    }

    /// <summary>The connection string of <paramref name="role"/> with <paramref name="password"/> on the test database.</summary>
    public static async Task<string> ConnectionStringForAsync(string role, string password) =>
        new NpgsqlConnectionStringBuilder(await OwnerConnectionStringAsync()) { Username = role, Password = password, PersistSecurityInfo = true }.ConnectionString;

    private static async Task<string> CreateDatabaseAsync()
    {
        string server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: PostgreSQL must be available (source .ci/services.sh).");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name;", connection);
            exists.Parameters.AddWithValue("name", DatabaseName);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                try
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", connection);
                    await create.ExecuteNonQueryAsync();
                }
                catch (PostgresException exception) when (exception.SqlState is "42P04" or "23505")
                {
                    // Another test process created it at the same moment.
                }
            }
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName, PersistSecurityInfo = true }.ConnectionString;
    }
}
