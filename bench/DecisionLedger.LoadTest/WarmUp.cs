using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Sqlite;

namespace DecisionLedger.LoadTest;

/// <summary>
/// Untimed runs before the measured ones, so that tier-0 JIT and re-JIT at tier 1 are not billed
/// to whichever subject happens to run first: the recorder and each Serilog peer are warmed alike.
/// </summary>
internal static class WarmUp
{
    /// <summary>Records <paramref name="count"/> decisions, unpaced, into a scratch SQLite ledger (also before a PostgreSQL run: the core is the same code).</summary>
    public static async Task RecorderAsync(LoadSettings settings, int count)
    {
        if (count <= 0)
        {
            return;
        }

        string dir = Path.Combine(settings.WorkDirectory, "warmup");
        Directory.CreateDirectory(dir);
        Decision[] pool = LoadDecisions.CreatePool(1024, seed: 7);
        var random = new SeededRandomSource(13);
        await using var store = new SqliteLedgerStore(Path.Combine(dir, "warmup.db"));
        await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store,
            Ed25519NoteSigner.Generate("warmup.local", random),
            new InputFingerprinter(new byte[32]),
            new LedgerOptions { Origin = "warmup.local/fraud", QueueCapacity = settings.QueueCapacity, MaxBatchSize = settings.MaxBatch }))
        {
            await PacedProducers.RunAsync(settings with { Count = count, Rate = 0 }, (_, i) => recorder.Record(pool[i % pool.Length]));
            await recorder.FlushAsync();
        }

        await store.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
