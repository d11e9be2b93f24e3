using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>checkpoint --new --accept-uncovered-tail</c>: the operator vouches for entries that appeared
/// after the ledger's clean close without a checkpoint. Clearing the clean-close fact lets the
/// recorder that follows sign over them, as it does after a crash; the decision goes to standard
/// error as a warning, naming the entries, so it lands in whatever log captures the command.
/// </summary>
/// <remarks>
/// No event entry records it: an event kind is part of the entry format, which this does not change.
/// </remarks>
internal static class UncoveredTailAcceptance
{
    /// <summary>Clears the clean-close fact when an uncovered tail stands beside it (the case a recorder refuses), and warns.</summary>
    /// <returns>The tail accepted, or null when there was none to accept.</returns>
    public static async Task<UncoveredTail?> AcceptAsync(ILedgerStore store, TextWriter error, CancellationToken cancellationToken)
    {
        long size = await store.GetSizeAsync(cancellationToken);
        StoredCheckpoint? latest = await store.GetLatestCheckpointAsync(cancellationToken);
        UncoveredTail? tail = await UncoveredTail.FindAsync(store, size, latest?.TreeSize ?? 0, cancellationToken);
        if (tail is not { ClosedCleanlyAt: not null } || store is not ICleanCloseStore marker)
        {
            await error.WriteLineAsync("note: --accept-uncovered-tail: every entry is covered or was left by a crash; nothing to accept.");
            return null;
        }

        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"WARNING: --accept-uncovered-tail: signing over {Plural.Entries(tail.Count)} from seq {tail.FirstSeq} on that appeared after the clean close at tree size {tail.ClosedCleanlyAt} with no checkpoint (entry-uncovered). The operator vouches they are genuine; from now on verify cannot tell them from recorded entries."));
        await marker.WriteCleanCloseAsync(null, cancellationToken);
        return tail;
    }
}
