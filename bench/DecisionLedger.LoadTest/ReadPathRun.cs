using System.Diagnostics;
using System.Globalization;
using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Verification;

namespace DecisionLedger.LoadTest;

internal sealed record ReadPathResult(long Entries, TimeSpan VerifyElapsed, double InclusionMicros, double ConsistencyMicros, double FirstProofMillis)
{
    /// <summary>Process CPU (every core) spent by the full verification.</summary>
    public TimeSpan VerifyCpu { get; init; }

    /// <summary>Wall time of the same verification with <c>--strict</c> (canonical form checked).</summary>
    public TimeSpan StrictElapsed { get; init; }

    /// <summary>Process CPU spent by the strict verification.</summary>
    public TimeSpan StrictCpu { get; init; }

    /// <summary>The two verification lines of the report: entries/s and CPU per entry.</summary>
    public IEnumerable<string> VerifyLines()
    {
        yield return Line("full verify", VerifyElapsed, VerifyCpu);
        yield return Line("--strict verify", StrictElapsed, StrictCpu);
    }

    private string Line(string name, TimeSpan elapsed, TimeSpan cpu) => string.Create(CultureInfo.InvariantCulture,
        $"  {name,-17} {Entries / elapsed.TotalSeconds,12:N0} entries/s ({Entries:N0} entries and their inputs in {elapsed.TotalSeconds:F2} s; CPU {cpu.TotalSeconds:F2} s = {cpu.TotalMicroseconds / Math.Max(1, Entries):F1} µs per entry on {Environment.ProcessorCount} cores)");
}

/// <summary>The read side on the ledger the pipeline just wrote: full verification (plain and <c>--strict</c>) and proofs from the same store.</summary>
internal static class ReadPathRun
{
    public static async Task<ReadPathResult> RunAsync(LoadSettings settings, string databasePath, NoteVerifier verifier, string origin)
    {
        await using Storage.ILedgerStore store = LoadStore.Create(settings, databasePath);
        await store.OpenAsync();

        (VerificationReport report, TimeSpan verify, TimeSpan verifyCpu) = await VerifyAsync(store, verifier, origin, strict: false);
        (_, TimeSpan strict, TimeSpan strictCpu) = await VerifyAsync(store, verifier, origin, strict: true);
        var stopwatch = Stopwatch.StartNew();

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
        return new ReadPathResult(report.EntriesVerified, verify, inclusion, consistency, first) { VerifyCpu = verifyCpu, StrictElapsed = strict, StrictCpu = strictCpu };
    }

    private static async Task<(VerificationReport Report, TimeSpan Elapsed, TimeSpan Cpu)> VerifyAsync(Storage.ILedgerStore store, NoteVerifier verifier, string origin, bool strict)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, verifier, origin, new VerificationOptions { CheckCanonicalForm = strict });
        TimeSpan elapsed = stopwatch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (!report.Passed)
        {
            throw new InvalidOperationException($"verification{(strict ? " --strict" : "")} failed: {report.FirstFinding}");
        }

        return (report, elapsed, cpu);
    }
}
