using System.CommandLine;
using DecisionLedger.Checkpoints;
using DecisionLedger.Cli.Output;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>checkpoint [--new [--accept-uncovered-tail]]</c>: prints the latest signed checkpoint as
/// signed-note text. <c>--new</c> refuses (exit 1) to sign over entries that appeared after the
/// ledger's clean close unless the operator accepts them explicitly.
/// </summary>
internal sealed class CheckpointCommand(CommandContext context)
{
    private readonly Option<bool> _new = new("--new")
    {
        Description = "Take a fresh checkpoint first if entries were added since the last one.",
    };

    private readonly Option<bool> _acceptUncoveredTail = new("--accept-uncovered-tail")
    {
        Description = "With --new: sign over entries that appeared after the ledger's clean close without a checkpoint (verify reports them as entry-uncovered). Only for entries known to be genuine; logged as a warning.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("checkpoint", "Print the latest signed checkpoint, exactly as the signed note text.") { _new, _acceptUncoveredTail };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        bool takeNew = parsed.GetValue(_new);
        bool acceptUncovered = parsed.GetValue(_acceptUncoveredTail);
        if (acceptUncovered && !takeNew)
        {
            throw new CliException(ExitCodes.BadInput, "--accept-uncovered-tail: only meaningful with --new (it lets the new checkpoint cover an uncovered tail); add --new.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: takeNew, cancellationToken);
        if (acceptUncovered)
        {
            await UncoveredTailAcceptance.AcceptAsync(session.Store, context.Environment.Error, cancellationToken);
        }

        long? sizeBefore = null;
        if (takeNew)
        {
            sizeBefore = (await session.Store.GetLatestCheckpointAsync(cancellationToken))?.TreeSize;

            // Disposing a recorder drains it and signs a checkpoint when the tree grew since the last one.
            DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
            await recorder.DisposeAsync();
        }

        StoredCheckpoint checkpoint = await session.Store.GetLatestCheckpointAsync(cancellationToken)
            ?? throw new CliException(ExitCodes.BadInput, $"{session.Directory.Path}: the ledger has no checkpoint yet; record decisions, then run 'dledger checkpoint --new'.");
        bool signed = takeNew && checkpoint.TreeSize != sizeBefore;
        if (takeNew && !signed)
        {
            // The note still goes to stdout for scripts that capture it; the person reading learns nothing was signed.
            await context.Environment.Error.WriteLineAsync($"no new entries since the checkpoint at tree size {checkpoint.TreeSize}; nothing signed.");
        }

        // The stored note must still carry a valid signature of this ledger's key.
        Checkpoint opened = CheckpointNote.Open(checkpoint.SignedNote, session.Verifier, session.Origin);

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("origin", opened.Origin);
                json.WriteNumber("treeSize", opened.Size);
                json.WriteString("rootHash", opened.RootHash.ToBase64());
                json.WriteString("note", checkpoint.SignedNote);
                if (takeNew)
                {
                    json.WriteBoolean("signed", signed);
                }
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteAsync(checkpoint.SignedNote.AsMemory(), cancellationToken);
        }

        return ExitCodes.Ok;
    }
}
