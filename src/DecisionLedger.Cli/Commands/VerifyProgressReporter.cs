using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Verification;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Shows how far <c>verify</c> has come through the shared <see cref="ProgressReporter"/>: a bar
/// "Verifying ledger" on a terminal, otherwise lines with the entry count and the rate.
/// </summary>
internal static class VerifyProgressReporter
{
    /// <summary>Runs <paramref name="work"/> with progress shown the way the environment calls for.</summary>
    /// <param name="environment">Where stderr goes and whether it is a terminal; its clock.</param>
    /// <param name="json">True for <c>--json</c>: never a bar, lines on stderr only.</param>
    /// <param name="work">The verification, given the progress sink.</param>
    public static Task<VerificationReport> RunAsync(CliEnvironment environment, bool json, Func<IProgress<VerificationProgress>, Task<VerificationReport>> work) =>
        ProgressReporter.RunAsync(
            environment,
            json,
            "Verifying ledger",
            FormatLine,
            progress => work(new SynchronousProgress<VerificationProgress>(p => progress.Report((p.Done, p.Total)))));

    private static string FormatLine(ProgressLine line) =>
        string.Create(CultureInfo.InvariantCulture,
            $"verify: {line.Done:N0} of {Plural.Of(line.Total, "entry", "entries", "N0")} ({line.Percent:0}%), {line.Done / line.Elapsed.TotalSeconds:N0} entries/s, {line.Elapsed.TotalSeconds:0} s");
}
