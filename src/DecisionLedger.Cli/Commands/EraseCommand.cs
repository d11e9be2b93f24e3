using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Erasure;
using DecisionLedger.Recording;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>erase --subject ID --reason TEXT [--by NAME]</c>: deletes a data subject's stored inputs
/// and salts and appends an erasure entry; the ledger stays verifiable.
/// </summary>
internal sealed class EraseCommand(CommandContext context)
{
    private readonly Option<string> _subject = new("--subject") { Description = "The data subject whose stored inputs are erased (the decisions' subject.id).", HelpName = "ID", Required = true };

    private readonly Option<string> _reason = new("--reason") { Description = "Why, recorded in the erasure entry, e.g. \"GDPR Art. 17 request\".", HelpName = "TEXT", Required = true };

    private readonly Option<string?> _by = new("--by") { Description = "Who requested the erasure, recorded in the entry. Default: $USER, else the operating-system account name.", HelpName = "NAME" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("erase", "Erase a data subject: delete the stored inputs and salts of its decisions and append an erasure entry. Every leaf and root still verifies.")
        {
            _subject, _reason, _by,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string subject = parsed.GetValue(_subject) ?? string.Empty;
        string reason = parsed.GetValue(_reason) ?? string.Empty;
        // Containers and CI often run without $USER; the account name is always there.
        string? by = parsed.GetValue(_by) ?? Environment.GetEnvironmentVariable("USER") ?? Environment.UserName;
        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new CliException(ExitCodes.BadInput, "--subject: empty; pass the data subject's id, e.g. --subject customer-1842.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CliException(ExitCodes.BadInput, "--reason: empty; say why the subject is erased, e.g. --reason \"GDPR Art. 17 request\".");
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            throw new CliException(ExitCodes.BadInput, "--by: not given and $USER is not set; pass who requested the erasure, e.g. --by dpo@example.com.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, cancellationToken);

        // Erasure reaches the archives: their files are rewritten without the subject's inputs before anything is recorded.
        await using Archiving.ArchiveBackedLedgerStore view = await ArchiveView.OpenAsync(session, cancellationToken);
        ArchiveErasure archived = await ArchiveErasure.RewriteAsync(session, view, subject, cancellationToken);
        ErasureResult result;
        DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
        try
        {
            result = await SubjectEraser.EraseAsync(view, recorder, subject, reason, by, cancellationToken);
            await archived.RecordAsync(recorder, result.ErasureSeq, session.Directory.Config.EntryFormat);
        }
        finally
        {
            // Drains and signs a checkpoint covering the erasure entry.
            await recorder.DisposeAsync();
        }

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("subjectId", result.SubjectId);
                json.WriteNumber("decisionsErased", result.DecisionsErased);
                json.WriteNumber("erasureSeq", result.ErasureSeq);
                json.WriteString("requestId", result.ErasureRequestId);
                json.WriteNumber("archivedInputsErased", archived.Rows);
                json.WriteNumber("archiveFilesRewritten", archived.Files);
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync(
                $"erased the stored inputs of {Plural.Of(result.DecisionsErased, "decision")} about {result.SubjectId}; erasure entry seq {result.ErasureSeq} (requestId {result.ErasureRequestId})");
            if (archived.Files > 0)
            {
                await context.Environment.Out.WriteLineAsync(
                    $"rewrote {Plural.Of(archived.Files, "archive file")} without the inputs of {Plural.Of(archived.Rows, "archived decision")}; recorded in the archive-rewrite entry after the erasure entry");
            }
        }

        return ExitCodes.Ok;
    }
}
