using System.Globalization;
using DecisionLedger.Cli.Output;
using Spectre.Console;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Shows how far an import has read through the shared <see cref="ProgressReporter"/>, on stderr as
/// <c>verify</c> does: a bar "Importing file" on a terminal, otherwise lines with the share read.
/// </summary>
internal static class ImportProgressReporter
{
    /// <summary>Runs <paramref name="work"/> with progress shown the way the environment calls for.</summary>
    /// <param name="environment">Where stderr goes and whether it is a terminal; its clock.</param>
    /// <param name="json">True for <c>--json</c>: never a bar, lines on stderr only.</param>
    /// <param name="source">The file being imported; its name labels the bar.</param>
    /// <param name="work">The import, given the progress sink of (bytes read, bytes in all).</param>
    public static Task<ImportSummary> RunAsync(CliEnvironment environment, bool json, string source, Func<IProgress<(long Done, long Total)>, Task<ImportSummary>> work) =>
        ProgressReporter.RunAsync(
            environment,
            json,
            "Importing " + Markup.Escape(Path.GetFileName(source)),
            line => string.Create(CultureInfo.InvariantCulture, $"import: {line.Percent:0}% read, {line.Elapsed.TotalSeconds:0} s"),
            work);
}
