using System.Diagnostics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Verification;

namespace DecisionLedger.LoadTest;

internal sealed record ReadPathResult(long Entries, TimeSpan VerifyElapsed, double InclusionMicros, double ConsistencyMicros, double FirstProofMillis);

/// <summary>The read side on the ledger the pipeline just wrote: full verification and proofs from the same store.</summary>
internal static class ReadPathRun
{
    public static async Task<ReadPathResult> RunAsync(LoadSettings settings, string databasePath, NoteVerifier verifier, string origin)
    {
        await using Storage.ILedgerStore store = LoadStore.Create(settings, databasePath);
        await store.OpenAsync();

        var stopwatch = Stopwatch.StartNew();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, verifier, origin);
        TimeSpan verify = stopwatch.Elapsed;
        if (!report.Passed)
        {
            throw new InvalidOperationException($"verification failed: {report.FirstFinding}");
        }

        using var prover = new LedgerProver(store);
        var random = new Random(5);
        long size = report.TreeSize;
        stopwatch.Restart();
        await prover.ProveInclusionAsync(0, size);
        double first = stopwatch.Elapsed.TotalMilliseconds;

        const int Proofs = 2_000;
        stopwatch.Restart();
        for (int i = 0; i < Proofs; i++)
        {
            await prover.ProveInclusionAsync(random.NextInt64(size), size);
        }

        double inclusion = stopwatch.Elapsed.TotalMicroseconds / Proofs;
        stopwatch.Restart();
        for (int i = 0; i < Proofs; i++)
        {
            await prover.ProveConsistencyAsync(1 + random.NextInt64(size - 1), size);
        }

        double consistency = stopwatch.Elapsed.TotalMicroseconds / Proofs;
        return new ReadPathResult(report.EntriesVerified, verify, inclusion, consistency, first);
    }
}
