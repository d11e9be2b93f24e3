using System.Diagnostics;
using System.Globalization;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// <c>--builder-cpu</c>: process CPU per decision of each <see cref="StageBenchmarks"/> case, measured in
/// alternating rounds (new before old within a round) so that the old and new builders see the same machine load. Wall-clock benchmarks on a
/// shared two-core machine mostly measure the neighbours; CPU time is what the builder itself spends.
/// </summary>
internal static class BuilderCpu
{
    public static void Run(int rounds, int perRound)
    {
        var stages = new StageBenchmarks();
        stages.Setup();
        (string Name, Action Run)[] cases =
        [
            ("stage: input JCS + HMAC fingerprint", () => stages.InputCanonicalizeAndFingerprint()),
            ("stage: redaction (no PII)", () => stages.Redact()),
            ("stage: entry JCS", () => stages.EntryCanonicalize()),
            ("stage: input digest + leaf hash", () => stages.Hashes()),
            ("builder, new (no PII)", () => stages.Build()),
            ("builder, old (no PII)", () => stages.LegacyBuild()),
            ("builder, new (3 PII)", () => stages.BuildPii()),
            ("builder, old (3 PII)", () => stages.LegacyBuildPii()),
            ("builder, v2 (no PII)", () => stages.BuildV2()),
        ];
        double[] cpu = new double[cases.Length];
        long[] allocated = new long[cases.Length];
        for (int round = -1; round < rounds; round++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
                for (int i = 0; i < perRound; i++)
                {
                    cases[c].Run();
                }

                // Round -1 warms up (tiered JIT) and is not counted.
                if (round >= 0)
                {
                    cpu[c] += (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds;
                    allocated[c] += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
                }
            }
        }

        stages.Cleanup();
        double total = (double)rounds * perRound;
        Console.WriteLine($"process CPU per operation, {rounds} alternating rounds of {perRound}");
        for (int c = 0; c < cases.Length; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {cases[c].Name,-40} {cpu[c] / total,8:0.00} µs  {allocated[c] / total,7:0} B"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  new/old (no PII) = {cpu[4] / cpu[5]:0.00}x; new/old (3 PII) = {cpu[6] / cpu[7]:0.00}x; v2/v1 (no PII) = {cpu[8] / cpu[4]:0.00}x"));
    }
}
