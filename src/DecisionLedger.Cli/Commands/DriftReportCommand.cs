using System.CommandLine;
using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Drift;
using DecisionLedger.Reporting;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>report drift --model M [--version V] --baseline FROM..TO --window 1h|1d [--paths P,…] [--threshold X] [--min-decisions N] [--bins K]</c>:
/// per window after the baseline, the population stability index and the Kolmogorov–Smirnov statistic of the
/// output score and label and of the declared paths, against the newest signed checkpoint; a table, or one
/// JSON document with <c>--json</c>. Exit 0 whether or not a window drifted: the report is the answer.
/// </summary>
internal sealed class DriftReportCommand(CommandContext context)
{
    /// <summary>Defines the subcommand.</summary>
    public Command Build()
    {
        Option<string> model = new("--model") { Description = "Exact model name.", HelpName = "NAME", Required = true };
        Option<string?> version = new("--version") { Description = "Only this model version (baseline and windows); all versions pooled when absent.", HelpName = "VERSION" };
        Option<string> baseline = new("--baseline") { Description = "The baseline time range FROM..TO (RFC 3339, TO exclusive); windows start at TO.", HelpName = "FROM..TO", Required = true };
        Option<string> window = new("--window") { Description = "Window length: a whole number and m, h or d, e.g. 1h or 1d (default 1d).", HelpName = "LENGTH", DefaultValueFactory = _ => "1d" };
        Option<string[]> paths = new("--paths") { Description = "Paths compared (comma-separated or repeated); default output.score,output.label. Paths under input. read the stored inputs.", HelpName = "PATH,…", AllowMultipleArgumentsPerToken = true };
        Option<double> threshold = new("--threshold") { Description = $"PSI above which a window is flagged (default {DriftAlertRule.DefaultPsiThreshold.ToString(CultureInfo.InvariantCulture)}).", HelpName = "PSI", DefaultValueFactory = _ => DriftAlertRule.DefaultPsiThreshold };
        Option<long> minDecisions = new("--min-decisions") { Description = $"Fewest decisions a window needs to be flagged (default {DriftAlertRule.DefaultMinDecisions}).", HelpName = "N", DefaultValueFactory = _ => DriftAlertRule.DefaultMinDecisions };
        Option<int> bins = new("--bins") { Description = $"Quantile bins of a numeric path, from the baseline (default {DriftSpec.DefaultBins}).", HelpName = "K", DefaultValueFactory = _ => DriftSpec.DefaultBins };
        var command = new Command("drift", "Drift of one model (version) per window against a baseline: PSI and KS of the output score and label and of declared input paths.")
        {
            model, version, baseline, window, paths, threshold, minDecisions, bins,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            DriftSpec spec = ParseSpec(parsed.GetValue(model)!, parsed.GetValue(version), parsed.GetValue(baseline)!, parsed.GetValue(window)!, parsed.GetValue(paths), parsed.GetValue(bins));
            var rule = new DriftAlertRule(parsed.GetValue(threshold), parsed.GetValue(minDecisions));
            try
            {
                rule.Validate("--");
            }
            catch (ArgumentException e)
            {
                throw new CliException(ExitCodes.BadInput, e.Message, e);
            }

            bool json = context.Json(parsed);
            await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
            ReportCheckpoint checkpoint;
            try
            {
                checkpoint = await ReportCheckpoint.OpenLatestAsync(session.Store, session.Verifier, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(ExitCodes.BadInput, $"{session.Directory.Path}: {e.Message}", e);
            }

            DriftReport report = await HumanConsole.RunWithErrorProgressAsync(context.Environment, json, "Drift report", checkpoint.TreeSize,
                progress => new DriftReportBuilder(spec, rule).CreateAsync(session.Store, checkpoint, progress, cancellationToken));
            if (json)
            {
                await DriftReportJsonWriter.WriteAsync(report, context.Environment.Out, cancellationToken);
            }
            else
            {
                await DriftReportTextWriter.WriteAsync(report, context.Environment.Out);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Turns the options into a spec; a bad value exits 2 naming its option.</summary>
    internal static DriftSpec ParseSpec(string model, string? version, string baseline, string window, string[]? paths, int bins)
    {
        string[] range = baseline.Split("..");
        if (range.Length != 2 || range[0].Length == 0 || range[1].Length == 0)
        {
            throw new CliException(ExitCodes.BadInput, $"--baseline: '{baseline}' is not a range; use FROM..TO in RFC 3339, e.g. 2026-11-01T00:00:00Z..2026-11-08T00:00:00Z.");
        }

        DateTimeOffset from = FilterOptions.ParseTime(range[0], "--baseline")!.Value;
        DateTimeOffset to = FilterOptions.ParseTime(range[1], "--baseline")!.Value;
        if (to <= from)
        {
            throw new CliException(ExitCodes.BadInput, $"--baseline: {to:O} is not after {from:O}; the range is [FROM, TO) and would be empty.");
        }

        if (model.Length == 0)
        {
            throw new CliException(ExitCodes.BadInput, "--model: the value is empty; pass the exact name as recorded, e.g. fraud_detector.");
        }

        if (bins is < 2 or > 100)
        {
            throw new CliException(ExitCodes.BadInput, $"--bins: {bins} is out of range; use 2 to 100 (10 is usual).");
        }

        try
        {
            TimeSpan length = DriftWindowLength.Parse(window, "--window");
            DriftPath[] parsedPaths = [.. (paths ?? []).SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(DriftPath.Parse)];
            return new DriftSpec(model, version, from, to, length, parsedPaths) { Bins = bins };
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, e.Message.StartsWith("paths:", StringComparison.Ordinal) ? "--" + e.Message : e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.BadInput, "--" + e.Message, e);
        }
    }
}
