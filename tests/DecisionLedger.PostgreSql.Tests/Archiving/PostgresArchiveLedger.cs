using System.Globalization;
using System.Text;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Decisions;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests.Archiving;

/// <summary>
/// A real PostgreSQL ledger (scratch schema, application role) recorded in entry format 2 with
/// decisions over three months, an archive directory, and the real archiver. The recorder's clock is
/// set back to mid-January 2026, so the format event (seq 0) and the closing heads entry lie in the
/// January partition beside the decisions: a swapped month must keep them.
/// </summary>
internal sealed class PostgresArchiveLedger : IDisposable
{
    public const string Origin = "test.local/pg-archive";

    /// <summary>Decisions per month: seqs 1-200 January, 201-400 February, 401-600 March 2026.</summary>
    public const int PerMonth = 200;

    private readonly string _archive = Path.Combine(Path.GetTempPath(), "dledger-pgarchive-" + Guid.NewGuid().ToString("N"));

    public PostgresArchiveLedger(string schema, string role)
    {
        Schema = schema;
        Role = role;
        var random = new SeededRandomSource(42);
        Signer = Ed25519NoteSigner.Generate("test.local", random);
        byte[] key = new byte[32];
        random.Fill(key);
        Fingerprinter = new InputFingerprinter(key);
        Directory.CreateDirectory(_archive);
    }

    public string Schema { get; }

    public string Role { get; }

    public Ed25519NoteSigner Signer { get; }

    public InputFingerprinter Fingerprinter { get; }

    public string ArchivePath => _archive;

    public DirectoryArchiveDestination Destination => new(_archive);

    public string Owner { get; private set; } = string.Empty;

    public string App { get; private set; } = string.Empty;

    /// <summary>Migrates the schema as the owner and grants the application role.</summary>
    public async Task MigrateAsync()
    {
        Owner = await PostgresServer.OwnerConnectionStringAsync();
        var migrator = new PostgreSqlLedgerMigrator(Owner, Schema);
        await migrator.MigrateAsync();
        await migrator.GrantApplicationRoleAsync(Role, "app-secret");
        App = await PostgresServer.ConnectionStringForAsync(Role, "app-secret");
    }

    public PostgreSqlLedgerStore OpenStore() => new(App, new PostgreSqlLedgerStoreOptions { Schema = Schema });

    public ValueTask<DecisionRecorder> StartAsync(ILedgerStore store, TimeProvider? time = null) =>
        DecisionRecorder.StartAsync(store, Signer, Fingerprinter, Options, time, new SeededRandomSource(7));

    // One checkpoint (and one heads entry) when the recorder closes, however slow the machine: the seqs,
    // and so which months the full tiles cover, do not depend on timing.
    private static LedgerOptions Options => new()
    {
        Origin = Origin,
        EntryFormat = 2,
        CheckpointEveryEntries = 1_000_000,
        CheckpointInterval = TimeSpan.FromHours(1),
        CheckpointMinInterval = TimeSpan.FromHours(1),
    };

    /// <summary>Records decisions <paramref name="from"/>…<paramref name="to"/> (1-based, timestamps by <see cref="Decision"/>) with the clock in January 2026, then closes the recorder (heads entry, signed checkpoint).</summary>
    public async Task SeedAsync(int from = 1, int to = 3 * PerMonth, string requestPrefix = "req-")
    {
        await using PostgreSqlLedgerStore store = OpenStore();
        DecisionRecorder recorder = await StartAsync(store, new JanuaryClock());
        await using (recorder)
        {
            for (int i = from; i <= to; i++)
            {
                await recorder.RecordAsync(Decision(i, requestPrefix));
            }
        }
    }

    /// <summary>Runs the archiver once over every due decision (all are) with the real clock.</summary>
    public async Task<ArchiveRunResult?> ArchiveAsync(Func<EntryColumns, bool>? isDue = null)
    {
        await using PostgreSqlLedgerStore store = OpenStore();
        DecisionRecorder recorder = await StartAsync(store);
        await using (recorder)
        {
            var archiver = new LedgerArchiver(store, store, Signer, recorder);
            return await archiver.RunAsync(Destination, isDue ?? (_ => true));
        }
    }

    /// <summary>Decision <paramref name="i"/>: models alternate fraud/credit, subjects customer-0…4, in January, February or March 2026 by its number.</summary>
    public static Decision Decision(int i, string requestPrefix = "req-")
    {
        string model = i % 2 == 0 ? "fraud" : "credit";
        int month = Math.Min(((i - 1) / PerMonth) + 1, 12);
        DateTimeOffset at = new DateTimeOffset(2026, month, 3, 0, 0, 0, TimeSpan.Zero).AddMinutes(i);
        string json =
            "{\"timestamp\":\"" + at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "\"," +
            $"\"requestId\":\"{requestPrefix}{i}\"," +
            "\"model\":{\"name\":\"" + model + "\",\"version\":\"1\"}," +
            $"\"input\":{{\"amount\":{i},\"note\":\"padding-{i}\"}}," +
            $"\"output\":{{\"label\":\"ok\",\"score\":0.{i % 10}}}," +
            $"\"subject\":{{\"id\":\"customer-{i % 5}\"}}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    public Task<long> ScalarAsync(string sql) => ScalarAsync(Owner, sql);

    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<List<string>> StringsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>The names of the partitions attached to <c>entries</c>.</summary>
    public Task<List<string>> PartitionsAsync() =>
        StringsAsync($"SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '\"{Schema}\".entries'::regclass ORDER BY 1;");

    /// <summary>Every table of the schema.</summary>
    public Task<List<string>> TablesAsync() =>
        StringsAsync($"SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{Schema}' AND c.relkind IN ('r', 'p') ORDER BY 1;");

    /// <summary>The root over every leaf the store returns for 0…size, to compare with the signed checkpoint.</summary>
    public static async Task<Sha256Hash> RootOfLeavesAsync(ILedgerStore store, long size)
    {
        IReadOnlyList<Sha256Hash> leaves = await store.ReadLeafHashesAsync(0, size);
        Assert.Equal(size, leaves.Count);
        return Merkle.MerkleProofVerifier.RootFromLeaves(leaves);
    }

    public void Dispose()
    {
        if (Directory.Exists(_archive))
        {
            Directory.Delete(_archive, recursive: true);
        }
    }

    /// <summary>The real clock moved back to 15 January 2026, 12:00 UTC, when the test started; timers run in real time.</summary>
    private sealed class JanuaryClock : TimeProvider
    {
        private readonly TimeSpan _shift = new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero) - TimeProvider.System.GetUtcNow();

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _shift;
    }
}
