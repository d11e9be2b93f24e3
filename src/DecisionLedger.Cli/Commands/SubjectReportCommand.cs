using System.CommandLine;
using System.Globalization;
using System.Text;
using DecisionLedger.Cli.Output;
using DecisionLedger.Reporting;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>subject-report --subject ID [--format text|json|html] [--out FILE]</c>: every decision about one
/// data subject (GDPR Art. 15, EU AI Act Art. 86), against the newest signed checkpoint.
/// </summary>
internal sealed class SubjectReportCommand(CommandContext context)
{
    private readonly Option<string> _subject = new("--subject") { Description = "The data subject's id, exactly as recorded.", HelpName = "ID", Required = true };
    private readonly Option<string?> _format = new("--format") { Description = "text (plain sentences, default), json (one document; the default with --json) or html (a printable self-contained page).", HelpName = "FORMAT" };
    private readonly Option<string?> _out = new("--out") { Description = "Write the report to this file (replaced if it exists) instead of standard output.", HelpName = "FILE" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        _format.AcceptOnlyFromAmong("text", "json", "html");
        var command = new Command("subject-report", "Report every decision about one data subject, with outcomes, main factors and the checkpoint to verify it against.") { _subject, _format, _out };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string subject = parsed.GetValue(_subject)!;
        if (subject.Length == 0)
        {
            throw new CliException(ExitCodes.BadInput, "--subject: the id is empty; pass the data subject's id exactly as recorded, e.g. customer-1842.");
        }

        bool json = context.Json(parsed);
        string format = parsed.GetValue(_format) ?? (json ? "json" : "text");
        if (json && !string.Equals(format, "json", StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.BadInput, $"--format {format} conflicts with --json; drop one of them.");
        }

        string? outFile = parsed.GetValue(_out) is { } o ? Path.GetFullPath(o) : null;
        if (outFile is not null && Directory.Exists(outFile))
        {
            throw new CliException(ExitCodes.BadInput, $"--out: {outFile} is a directory; pass a file name such as report.{format}.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        StoredCheckpoint latest = await session.Store.GetLatestCheckpointAsync(cancellationToken)
            ?? throw new CliException(ExitCodes.BadInput, $"{session.Directory.Path}: the ledger has no checkpoint yet, so there is nothing to report against; run 'dledger checkpoint --new --ledger {session.Directory.Path}' first.");

        // Decisions moved to archives are read from the archive files, so the report covers them too.
        await using Archiving.ArchiveBackedLedgerStore store = await ArchiveView.OpenAsync(session, cancellationToken);
        if (store.Catalog.Expired.Count > 0)
        {
            // The subject's decisions in expired files are gone: say so rather than let the report look complete.
            await context.Environment.Error.WriteLineAsync(ReportCommand.ExpiredNote(store.Catalog).Replace("--include-archive: ", string.Empty, StringComparison.Ordinal));
        }

        var builder = new SubjectReportBuilder(store, context.Environment.Time);
        SubjectReport report;
        try
        {
            report = await builder.CreateAsync(subject, latest.SignedNote, session.Verifier, cancellationToken);
        }
        catch (Archiving.ArchiveIntegrityException e)
        {
            throw ArchiveView.Untrusted(e);
        }

        if (report.DecisionCount == 0)
        {
            string size = report.Checkpoint.Size.ToString(CultureInfo.InvariantCulture);
            throw new CliException(ExitCodes.BadInput, report.DecisionsAfterCheckpoint > 0
                ? $"--subject: {(report.DecisionsAfterCheckpoint == 1 ? "the one decision" : $"the {report.DecisionsAfterCheckpoint} decisions")} about '{subject}' {(report.DecisionsAfterCheckpoint == 1 ? "was" : "were all")} recorded after the newest checkpoint (size {size}); run 'dledger checkpoint --new --ledger {session.Directory.Path}' and try again."
                : $"--subject: the ledger {session.Directory.Path} holds no decisions about '{subject}' (checked its {Plural.Of(report.Checkpoint.Size, "checkpointed entry", "checkpointed entries")}); check the id, which must match exactly, e.g. with 'dledger query --subject ID'.");
        }

        Func<TextWriter, Task> write = writer =>
        {
            IAsyncEnumerable<ReportedDecision> decisions = builder.ReadDecisionsAsync(report, cancellationToken);
            return format switch
            {
                "json" => SubjectReportJsonWriter.WriteAsync(report, decisions, writer, cancellationToken),
                "html" => SubjectReportHtmlWriter.WriteAsync(report, decisions, writer, cancellationToken),
                _ => SubjectReportTextWriter.WriteAsync(report, decisions, writer, cancellationToken),
            };
        };

        if (outFile is null)
        {
            await write(context.Environment.Out);
            return ExitCodes.Ok;
        }

        await WriteFileAsync(outFile, write, cancellationToken);
        await context.Environment.Error.WriteLineAsync($"Wrote the {format} report of {Plural.Of(report.DecisionCount, "decision")} about '{subject}' to {outFile}.");
        return ExitCodes.Ok;
    }

    // Written beside the target and renamed, so a failed run never leaves half a report under the requested name.
    internal static async Task WriteFileAsync(string path, Func<TextWriter, Task> write, CancellationToken cancellationToken)
    {
        string temporary = path + ".partial";
        try
        {
            await using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
            {
                await write(writer);
                await writer.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
