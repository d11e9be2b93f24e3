using System.Runtime.CompilerServices;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>Streams the entries a checkpoint covers, in ascending <c>seq</c>, one store range at a time.</summary>
internal static class EntryScan
{
    /// <summary>Entries read per store range (4,096): memory stays bounded whatever the ledger's size.</summary>
    public const int ChunkSize = 4096;

    /// <summary>Streams entries with <c>seq</c> below <paramref name="treeSize"/>, reporting the number scanned after each chunk.</summary>
    public static async IAsyncEnumerable<StoredEntry> ReadAsync(ILedgerStore store, long treeSize, IProgress<long>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long start = 0; start < treeSize; start += ChunkSize)
        {
            long end = Math.Min(treeSize, start + ChunkSize);
            await foreach (StoredEntry entry in store.ReadEntriesAsync(start, end, cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }

            progress?.Report(end);
        }
    }

    /// <summary>True for decision entries (ledger events such as erasures are not decisions).</summary>
    public static bool IsDecision(StoredEntry entry) =>
        string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal);

    /// <summary>True when <paramref name="timestamp"/> is in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static bool InRange(DateTimeOffset timestamp, DateTimeOffset? from, DateTimeOffset? to) =>
        (from is not { } f || timestamp >= f) && (to is not { } t || timestamp < t);
}
