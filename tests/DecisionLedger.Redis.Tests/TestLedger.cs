using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Redis.Tests;

/// <summary>A real ledger directory (SQLite) in a temp folder, with the privacy step collectors use.</summary>
internal sealed class TestLedger : IDisposable
{
    /// <summary>A ledger whose store is a fresh schema on the real PostgreSQL (the directory keeps key and config).</summary>
    public static async Task<TestLedger> OnPostgresAsync(string? ownerConnection = null)
    {
        string owner = ownerConnection ?? Services.RequirePostgres();
        const string Database = "dledger_redis_tests";
        await using (var admin = new Npgsql.NpgsqlConnection(owner))
        {
            await admin.OpenAsync();
            await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", Database);
            if (await exists.ExecuteScalarAsync() is null)
            {
                try
                {
                    await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {Database}", admin);
                    await create.ExecuteNonQueryAsync();
                }
                catch (Npgsql.PostgresException ex) when (ex.SqlState is "42P04" or "23505")
                {
                    // Another test created it first.
                }
            }
        }

        string connection = new Npgsql.NpgsqlConnectionStringBuilder(owner) { Database = Database }.ConnectionString;
        string schema = "t_" + System.IO.Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal);
        var ledger = new TestLedger { PostgresConnection = connection, Schema = schema };
        await new DecisionLedger.PostgreSql.PostgreSqlLedgerMigrator(connection, schema).MigrateAsync();
        return ledger;
    }

    public TestLedger(string? origin = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "dledger-redis-" + Path.GetRandomFileName());
        Directory = LedgerDirectory.Create(Path.Combine(Root, "ledger"), origin ?? "test.example/" + Path.GetRandomFileName());
        Preparer = new DecisionPreparer(Directory.CreateFingerprinter(), Directory.CreateRedactor());
    }

    public string Root { get; }

    public LedgerDirectory Directory { get; }

    public string LedgerPath => Directory.Path;

    public string Origin => Directory.Config.Origin;

    public DecisionPreparer Preparer { get; }

    /// <summary>Set for a PostgreSQL-backed ledger: the owner connection string of its database.</summary>
    public string? PostgresConnection { get; private init; }

    /// <summary>Set for a PostgreSQL-backed ledger: its schema.</summary>
    public string? Schema { get; private init; }

    /// <summary>The arguments that point <c>dledger sequence</c> at this ledger's store.</summary>
    public string[] StoreArguments => PostgresConnection is null ? [] : ["--store", "postgres", "--connection", PostgresConnection, "--schema", Schema!];

    private ILedgerStore CreateStore() => PostgresConnection is null
        ? new SqliteLedgerStore(Directory.DatabasePath)
        : new DecisionLedger.PostgreSql.PostgreSqlLedgerStore(PostgresConnection, new DecisionLedger.PostgreSql.PostgreSqlLedgerStoreOptions { Schema = Schema! });

    /// <summary>Opens the store and starts the recorder, as a sequencer does on winning the election.</summary>
    public async Task<SequencerLedger> OpenAsync(CancellationToken cancellationToken = default)
    {
        ILedgerStore store = CreateStore();
        await store.OpenAsync(cancellationToken);
        DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store,
            Directory.Signer,
            Directory.CreateFingerprinter(),
            new LedgerOptions { Origin = Origin },
            cancellationToken: cancellationToken,
            redactor: Directory.CreateRedactor());
        return new SequencerLedger(recorder, store, store);
    }

    /// <summary>Every request id in the ledger, in seq order, after a full verification that must pass.</summary>
    public async Task<List<string>> VerifiedRequestIdsAsync()
    {
        await using ILedgerStore store = CreateStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, NoteVerifier.Parse(Directory.VerifierKey), Origin);
        Assert.True(report.Passed, $"verify failed: {report.FirstFinding}");
        var ids = new List<string>();
        long expected = 0;
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, await store.GetSizeAsync()))
        {
            Assert.Equal(expected++, entry.Seq);
            ids.Add(entry.Columns.RequestId);
        }

        return ids;
    }

    /// <summary>How many entries the ledger holds now, read without disturbing the writer.</summary>
    public async Task<long> SizeAsync()
    {
        if (PostgresConnection is not null)
        {
            await using ILedgerStore postgres = CreateStore();
            return await postgres.GetSizeAsync();
        }

        if (!File.Exists(Directory.DatabasePath))
        {
            // The sequencer creates the database when it first leads.
            return 0;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Directory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries;";
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is 5 or 6 or 1)
        {
            // The file exists before the sequencer's schema does (SQLITE_ERROR "no such table"), or the
            // schema is being written (busy, locked): no entries yet.
            return 0;
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
