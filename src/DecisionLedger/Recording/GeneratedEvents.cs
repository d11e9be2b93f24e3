using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// The event entries the builder writes on its own, with no caller waiting for them: the <c>format</c> event that
/// switches a ledger to v2 entries, and the <c>heads</c> entry under every checkpoint of a v2 ledger. Each gets a
/// UUIDv7 request id and the clock's now, like any event, and goes into the tree and the batch being built.
/// </summary>
internal sealed class GeneratedEvents(TimeProvider time, IRandomSource random, ILogger logger)
{
    /// <summary>Starts a batch with the <c>format</c> event when the ledger switches to v2 with it.</summary>
    public void StartBatch(ChainState chains, MerkleTree tree, List<StoredEntry> entries)
    {
        if (!chains.NeedsFormat)
        {
            return;
        }

        // Every entry before the format event is v1, every entry from it on is v2.
        long seq = tree.Size;
        Append(tree, entries, Build(seq, LedgerEvent.ForFormat(LedgerEntry.Version2)));
        chains.Switched(seq);
        RecorderLog.SwitchedToV2(logger, seq);
    }

    /// <summary>
    /// Before a checkpoint is signed over <paramref name="tree"/>: in a v2 ledger, appends a <c>heads</c> entry committing
    /// to the chain heads of every v2 decision before it, unless the newest entry already is one.
    /// </summary>
    /// <returns>Whether an entry was appended (then <paramref name="entries"/> must not be null).</returns>
    public bool AppendHeads(ChainState chains, MerkleTree tree, List<StoredEntry>? entries)
    {
        if (!chains.IsV2 || chains.LastIsHeads || chains.WithoutHeadsCommitment)
        {
            return false;
        }

        ArgumentNullException.ThrowIfNull(entries);
        (Sha256Hash root, int keys) = chains.CommitHeads();
        Append(tree, entries, Build(tree.Size, LedgerEvent.ForHeads(root, keys)));
        return true;
    }

    private static void Append(MerkleTree tree, List<StoredEntry> entries, StoredEntry entry)
    {
        tree.Append(entry.LeafHash);
        entries.Add(entry);
    }

    private StoredEntry Build(long seq, LedgerEvent ledgerEvent)
    {
        DateTimeOffset now = time.GetUtcNow();
        return EntryBuilder.BuildEvent(seq, ledgerEvent, Uuid7.Create(now, random), EntryBuilder.ToMicroseconds(now));
    }
}
