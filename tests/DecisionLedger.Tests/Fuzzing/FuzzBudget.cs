using System.Globalization;
using CsCheck;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// How long each fuzz property runs. The normal test run executes a short, fixed number of inputs per
/// property (about a second each, so the whole set stays far under the CI budget); setting
/// <c>DLEDGER_FUZZ_ITERATIONS</c> multiplies every property's count for a long campaign, and
/// <c>DLEDGER_FUZZ_SEED</c> replays a run (CsCheck prints the seed of a failing input).
/// </summary>
internal static class FuzzBudget
{
    /// <summary>The environment variable holding the long-run multiplier, e.g. <c>DLEDGER_FUZZ_ITERATIONS=200</c>.</summary>
    public const string IterationsVariable = "DLEDGER_FUZZ_ITERATIONS";

    /// <summary>The environment variable holding a CsCheck seed to replay.</summary>
    public const string SeedVariable = "DLEDGER_FUZZ_SEED";

    /// <summary>The number of executions for a property whose short run is <paramref name="shortRun"/>.</summary>
    public static long Iterations(long shortRun)
    {
        string? text = Environment.GetEnvironmentVariable(IterationsVariable);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long multiplier) && multiplier > 0
            ? shortRun * multiplier
            : shortRun;
    }

    /// <summary>
    /// Runs <paramref name="property"/> on <see cref="Iterations"/> inputs from <paramref name="gen"/>, on one
    /// thread (the machines running CI are shared), and fails with the shrunk input when it throws.
    /// </summary>
    public static void Run<T>(Gen<T> gen, long shortRun, Action<T> property, Func<T, string>? print = null) =>
        gen.Sample(property, seed: Environment.GetEnvironmentVariable(SeedVariable), iter: Iterations(shortRun), threads: 1, print: print);

    /// <summary>As <see cref="Run{T}"/> for an asynchronous property.</summary>
    public static Task RunAsync<T>(Gen<T> gen, long shortRun, Func<T, Task> property, Func<T, string>? print = null) =>
        gen.SampleAsync(property, seed: Environment.GetEnvironmentVariable(SeedVariable), iter: Iterations(shortRun), threads: 1, print: print);
}
