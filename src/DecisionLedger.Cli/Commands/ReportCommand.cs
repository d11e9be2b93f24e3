using System.CommandLine;
using DecisionLedger.Access;
using DecisionLedger.Cli.Output;
using DecisionLedger.Reporting;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>report usage|version-timeline|data-access|access-log [options] [--format text|json|csv|html] [--out FILE]</c>:
/// the auditor's reports, each computed against the newest signed checkpoint and naming it; text for
/// a person by default, like every other command, and one JSON document with <c>--json</c>.
/// </summary>
internal sealed class ReportCommand(CommandContext context)
{
    private Storage.ILedgerStore? _archiveView;

    /// <summary>Defines the command and its four reports.</summary>
    public Command Build()
    {
        var command = new Command("report", "Auditor's reports (usage, version timeline, data access, access log) against the newest signed checkpoint, as text, JSON (--json), CSV or HTML.");
        command.Subcommands.Add(Usage());
        command.Subcommands.Add(VersionTimeline());
        command.Subcommands.Add(DataAccess());
        command.Subcommands.Add(AccessLogReport());
        command.Subcommands.Add(new DriftReportCommand(context).Build());
        return command;
    }

    private static Option<string> Model() => new("--model") { Description = "Exact model name.", HelpName = "NAME", Required = true };

    private static Option<string?> Time(string name, string description) => new(name) { Description = description, HelpName = "TIME" };

    private Command Usage()
    {
        Option<string> model = Model();
        Option<string?> version = new("--version") { Description = "Only this model version.", HelpName = "VERSION" };
        Option<string?> from = Time("--from", "Decisions at or after this RFC 3339 time.");
        Option<string?> to = Time("--to", "Decisions before this RFC 3339 time.");
        Option<string?> bucket = new("--bucket") { Description = "Width of the over-time buckets: day (default) or hour, UTC.", HelpName = "WIDTH" };
        OneOf(bucket, "day", "hour");
        Option<string?> outcome = new("--outcome") { Description = $"The field whose values are counted; default {OutcomeField.DefaultPath}.", HelpName = "PATH" };
        var output = new ReportOutput();
        Option<bool> includeArchive = IncludeArchive();
        var command = new Command("usage", "How one model was used: totals, failures, versions, unique users, outcome distribution, latency percentiles, decisions over time.") { model, version, from, to, bucket, outcome, includeArchive };
        output.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            ReportFormat? format = output.Format(parsed, context);
            OutcomeField field;
            try
            {
                field = OutcomeField.Parse(parsed.GetValue(outcome) ?? OutcomeField.DefaultPath);
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.BadInput, "--" + e.Message, e);
            }

            var filters = new UsageFilters(
                NonEmpty(parsed.GetValue(model)!, "--model"),
                parsed.GetValue(version),
                FilterOptions.ParseTime(parsed.GetValue(from), "--from"),
                FilterOptions.ParseTime(parsed.GetValue(to), "--to"));
            CheckRange(filters.From, filters.To);
            TimeBucket width = string.Equals(parsed.GetValue(bucket), "hour", StringComparison.Ordinal) ? TimeBucket.Hour : TimeBucket.Day;
            return await RunAsync(parsed, output, format, "usage", async (session, checkpoint, cancel) =>
            {
                UsageReport report = await HumanConsole.RunWithErrorProgressAsync(context.Environment, context.Json(parsed), "Usage report", checkpoint.TreeSize,
                    progress => new UsageReportBuilder(filters, width, field).CreateAsync(ReportStore(session), checkpoint, progress, cancel));
                return writer => format is { } f ? ReportWriter.WriteAsync(report, f, writer, cancel) : ReportText.WriteAsync(report, writer);
            }, cancellationToken, includeArchive);
        });
        return command;
    }

    private Command VersionTimeline()
    {
        Option<string> model = Model();
        Option<string?> at = Time("--at", "Also answer which version served at this RFC 3339 time.");
        var output = new ReportOutput();
        Option<bool> includeArchive = IncludeArchive();
        var command = new Command("version-timeline", "Which version of a model served when: periods, change points, and the version at a given time.") { model, at, includeArchive };
        output.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            ReportFormat? format = output.Format(parsed, context);
            string name = NonEmpty(parsed.GetValue(model)!, "--model");
            DateTimeOffset? when = FilterOptions.ParseTime(parsed.GetValue(at), "--at");
            return await RunAsync(parsed, output, format, "version-timeline", async (session, checkpoint, cancel) =>
            {
                VersionTimelineReport report = await HumanConsole.RunWithErrorProgressAsync(context.Environment, context.Json(parsed), "Version timeline", checkpoint.TreeSize,
                    progress => new VersionTimelineBuilder(name, when).CreateAsync(ReportStore(session), checkpoint, progress, cancel));
                return writer => format is { } f ? ReportWriter.WriteAsync(report, f, writer, cancel) : ReportText.WriteAsync(report, writer);
            }, cancellationToken, includeArchive);
        });
        return command;
    }

    private Command DataAccess()
    {
        Option<string?> user = new("--user") { Description = "Only this user (actor.userId of decisions, API key name of reads).", HelpName = "USER" };
        Option<string?> from = Time("--from", "Decisions and reads at or after this RFC 3339 time.");
        Option<string?> to = Time("--to", "Decisions and reads before this RFC 3339 time.");
        var output = new ReportOutput();
        Option<bool> includeArchive = IncludeArchive();
        var command = new Command("data-access", "Per user: decisions requested, distinct subjects touched, models, and decisions read through the API.") { user, from, to, includeArchive };
        output.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            ReportFormat? format = output.Format(parsed, context);
            var filters = new DataAccessFilters(parsed.GetValue(user), FilterOptions.ParseTime(parsed.GetValue(from), "--from"), FilterOptions.ParseTime(parsed.GetValue(to), "--to"));
            CheckRange(filters.From, filters.To);
            return await RunAsync(parsed, output, format, "data-access", async (session, checkpoint, cancel) =>
            {
                var log = new AccessLog(session.Directory.Path);
                DataAccessReport report = await HumanConsole.RunWithErrorProgressAsync(context.Environment, context.Json(parsed), "Data-access report", checkpoint.TreeSize,
                    progress => new DataAccessReportBuilder(filters).CreateAsync(ReportStore(session), log, checkpoint, progress, cancel));
                return writer => format is { } f ? ReportWriter.WriteAsync(report, f, writer, cancel) : ReportText.WriteAsync(report, writer);
            }, cancellationToken, includeArchive);
        });
        return command;
    }

    private Command AccessLogReport()
    {
        Option<string?> requestId = new("--request-id") { Description = "Only reads that returned this decision.", HelpName = "ID" };
        Option<string?> user = new("--user") { Description = "Only reads by this API key name (or id).", HelpName = "USER" };
        var output = new ReportOutput();
        var command = new Command("access-log", "Who viewed which decisions: every read through the API, oldest first.") { requestId, user };
        output.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            ReportFormat? format = output.Format(parsed, context);
            return await RunAsync(parsed, output, format, "access-log", (session, checkpoint, cancel) =>
            {
                var report = new Reporting.AccessLogReport(checkpoint, parsed.GetValue(requestId), parsed.GetValue(user));
                var log = new AccessLog(session.Directory.Path);
                Func<TextWriter, Task> write = writer => format is { } f ? ReportWriter.WriteAsync(report, log, f, writer, cancel) : ReportText.WriteAsync(report, log, writer, cancel);
                return Task.FromResult(write);
            }, cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(
        ParseResult parsed,
        ReportOutput output,
        ReportFormat? format,
        string name,
        Func<LedgerSession, ReportCheckpoint, CancellationToken, Task<Func<TextWriter, Task>>> build,
        CancellationToken cancellationToken,
        Option<bool>? includeArchive = null)
    {
        string? outFile = output.OutFile(parsed, ReportOutput.Name(format));
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

        // --include-archive: the decisions moved to archive files are read back from them (each file checked
        // against its manifest and the ledger's archived entries) and counted with the live ones.
        await using Archiving.ArchiveBackedLedgerStore? view = includeArchive is not null && parsed.GetValue(includeArchive)
            ? await ArchiveView.OpenAsync(session, cancellationToken)
            : null;
        _archiveView = view;
        if (view is not null && view.Catalog.Expired.Count > 0)
        {
            await context.Environment.Error.WriteLineAsync(ExpiredNote(view.Catalog));
        }

        Func<TextWriter, Task> write;
        try
        {
            write = await build(session, checkpoint, cancellationToken);
        }
        catch (Archiving.ArchiveIntegrityException e)
        {
            throw ArchiveView.Untrusted(e);
        }
        catch (InvalidOperationException e)
        {
            // The timeline refuses a model whose versions alternate beyond its bound.
            throw new CliException(ExitCodes.BadInput, e.Message, e);
        }

        if (outFile is null)
        {
            await write(context.Environment.Out);
            return ExitCodes.Ok;
        }

        await SubjectReportCommand.WriteFileAsync(outFile, write, cancellationToken);
        await context.Environment.Error.WriteLineAsync($"Wrote the {name} report ({ReportOutput.Name(format)}, checkpoint of tree size {checkpoint.TreeSize}) to {outFile}.");
        return ExitCodes.Ok;
    }

    /// <summary>Says how many archived decisions a report over the archive cannot count because the retention policy deleted their files.</summary>
    internal static string ExpiredNote(Archiving.ArchiveCatalog catalog) =>
        $"note: --include-archive: {Output.Plural.Of(catalog.Expired.Sum(e => e.File.Rows), "decision")} in {Output.Plural.Of(catalog.Expired.Count, "archive file")} were deleted by the retention policy (archive-expiry seq {string.Join(", ", catalog.Expired.Select(e => e.ExpiryEventSeq).Distinct().Order())}) and are not counted.";

    private static Option<bool> IncludeArchive() => new("--include-archive") { Description = "Also count the decisions the ledger moved to its archive (read back from the Parquet files its 'archived' entries list, each checked first)." };

    /// <summary>The store a report reads: the archive view with <c>--include-archive</c>, else the live store.</summary>
    private Storage.ILedgerStore ReportStore(LedgerSession session) => _archiveView ?? session.Store;

    // System.CommandLine's own message for a value outside a list does not name the option.
    private static void OneOf(Option<string?> option, params string[] values) =>
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name}: '{value}' is not one of {string.Join(", ", values)}.");
            }
        });

    private static string NonEmpty(string value, string option) =>
        value.Length > 0 ? value : throw new CliException(ExitCodes.BadInput, $"{option}: the value is empty; pass the exact name as recorded, e.g. fraud_detector.");

    private static void CheckRange(DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } f && to is { } t && f >= t)
        {
            throw new CliException(ExitCodes.BadInput, $"--to: {t:O} is not after --from {f:O}; the range is [from, to) and would be empty.");
        }
    }

    /// <summary>The options every report shares: <c>--format</c> and <c>--out</c>.</summary>
    private sealed class ReportOutput
    {
        private const string Text = "text";

        private readonly Option<string?> _format = new("--format") { Description = "text (default, for reading), json (also --json), csv (one table) or html (a printable self-contained page).", HelpName = "FORMAT" };
        private readonly Option<string?> _out = new("--out") { Description = "Write the report to this file (replaced if it exists) instead of standard output.", HelpName = "FILE" };

        public void AddTo(Command command)
        {
            _format.Validators.Add(result =>
            {
                string? name = result.GetValueOrDefault<string?>();
                if (name is not null && !string.Equals(name, Text, StringComparison.Ordinal) && !ReportWriter.FormatNames.Contains(name, StringComparer.Ordinal))
                {
                    result.AddError($"{_format.Name}: '{name}' is not one of {Text}, {string.Join(", ", ReportWriter.FormatNames)}.");
                }
            });
            command.Options.Add(_format);
            command.Options.Add(_out);
        }

        /// <summary>The format asked for; null for text, which is the default unless <c>--json</c> is given.</summary>
        public ReportFormat? Format(ParseResult parsed, CommandContext context)
        {
            string? name = parsed.GetValue(_format);
            bool json = context.Json(parsed);
            if (json && name is not null && !string.Equals(name, "json", StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.BadInput, $"--format {name} conflicts with --json; drop one of them.");
            }

            if (name is null)
            {
                return json ? ReportFormat.Json : null;
            }

            return string.Equals(name, Text, StringComparison.Ordinal) ? null : ReportWriter.ParseFormat(name, _format.Name);
        }

        /// <summary>The format's name as typed: text, json, csv or html.</summary>
        public static string Name(ReportFormat? format) => format?.ToString().ToLowerInvariant() ?? Text;

        public string? OutFile(ParseResult parsed, string format)
        {
            string? outFile = parsed.GetValue(_out) is { } o ? Path.GetFullPath(o) : null;
            if (outFile is not null && Directory.Exists(outFile))
            {
                throw new CliException(ExitCodes.BadInput, $"--out: {outFile} is a directory; pass a file name such as report.{(format == Text ? "txt" : format)}.");
            }

            return outFile;
        }
    }
}
