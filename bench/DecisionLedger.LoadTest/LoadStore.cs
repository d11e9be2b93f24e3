using System.Globalization;
using DecisionLedger.PostgreSql;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.LoadTest;

/// <summary>
/// Creates the store under test: a SQLite file in the work directory (default), or, with
/// <c>--store postgres --connection …</c>, a fresh schema in PostgreSQL migrated on open (the
/// connection must be an owner role) and dropped at the end unless <c>--keep</c>.
/// </summary>
internal static class LoadStore
{
    /// <summary>The schema one load run writes to.</summary>
    public static string PostgresSchema { get; } = "loadtest_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the run targets PostgreSQL.</summary>
    public static bool IsPostgres(LoadSettings settings) => settings.Store == "postgres";

    /// <summary>A new, not yet opened store over the run's ledger.</summary>
    public static ILedgerStore Create(LoadSettings settings, string databasePath) =>
        IsPostgres(settings)
            ? new PostgreSqlLedgerStore(settings.Connection!, new PostgreSqlLedgerStoreOptions { Schema = PostgresSchema, MigrateOnOpen = true })
            : new SqliteLedgerStore(databasePath, new SqliteLedgerStoreOptions
            {
                IndexMode = settings.SynchronousIndex ? SqliteIndexMode.Synchronous : SqliteIndexMode.Deferred,
            });

    /// <summary>A description for the report.</summary>
    public static string Describe(LoadSettings settings) =>
        IsPostgres(settings)
            ? $"PostgreSQL schema {PostgresSchema}, binary COPY, one transaction per batch"
            : "SQLite WAL, synchronous=FULL, one transaction per batch";

    /// <summary>Drops the run's PostgreSQL schema.</summary>
    public static async Task DropAsync(LoadSettings settings)
    {
        if (!IsPostgres(settings))
        {
            return;
        }

        await using var connection = new Npgsql.NpgsqlConnection(settings.Connection);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{PostgresSchema}\" CASCADE;", connection);
        await command.ExecuteNonQueryAsync();
    }
}
