using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The batches this process committed and the indexer has not reached yet, kept in memory so the
/// indexer takes their columns and bodies from here instead of reading them back from the file.
/// Bounded: past <see cref="MaxEntries"/> it forgets what it holds and the indexer reads those
/// entries from the file (as it does after a restart, or for another process's appends). Guarded
/// by the store's write lock, so batches are held in commit order.
/// </summary>
internal sealed class SqliteCommittedBatches
{
    /// <summary>The most entries held (about 1.5 KiB each with their inputs).</summary>
    public const int MaxEntries = 32_768;

    private readonly Queue<AppendBatch> _batches = new();
    private int _count;

    /// <summary>The seq of the first entry held, or null when none is.</summary>
    public long? FirstSeq => _batches.Count == 0 ? null : _batches.Peek().Entries[0].Seq;

    /// <summary>Holds a batch just committed.</summary>
    public void Add(AppendBatch batch)
    {
        if (batch.Entries.Count == 0)
        {
            return;
        }

        if (_count + batch.Entries.Count > MaxEntries)
        {
            _batches.Clear();
            _count = 0;
        }

        _batches.Enqueue(batch);
        _count += batch.Entries.Count;
    }

    /// <summary>
    /// Moves the held entries from <paramref name="watermark"/> on (whole batches, contiguous, until
    /// at least <paramref name="maxEntries"/>) and their inputs into the lists; false when the entry
    /// at the watermark is not held. <paramref name="fieldPaths"/> gets the union of the batches'
    /// field paths, or null when one of them came without (its entries' paths must then be collected).
    /// </summary>
    public bool Take(long watermark, int maxEntries, List<StoredEntry> entries, List<StoredInput> inputs, out Dictionary<string, HashSet<string>>? fieldPaths)
    {
        fieldPaths = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        bool allCollected = true;
        while (_batches.Count > 0 && _batches.Peek().Entries[^1].Seq < watermark)
        {
            _count -= _batches.Dequeue().Entries.Count;
        }

        long next = watermark;
        while (_batches.Count > 0 && entries.Count < maxEntries && _batches.Peek().Entries[0].Seq <= next)
        {
            AppendBatch batch = _batches.Dequeue();
            _count -= batch.Entries.Count;
            foreach (StoredEntry entry in batch.Entries)
            {
                if (entry.Seq >= next)
                {
                    entries.Add(entry);
                }
            }

            foreach (StoredInput input in batch.Inputs)
            {
                if (input.Seq >= next)
                {
                    inputs.Add(input);
                }
            }

            next = batch.Entries[^1].Seq + 1;
            if (batch.FieldPaths is { } paths)
            {
                MergeInto(fieldPaths, paths);
            }
            else
            {
                allCollected = false;
            }
        }

        if (!allCollected || entries.Count == 0)
        {
            fieldPaths = null;
        }

        return entries.Count > 0;
    }

    // A batch taken from its first entry on carries exactly its entries' paths; one cut at the
    // watermark (only after a restart) would carry more, which the catalog tolerates.
    private static void MergeInto(Dictionary<string, HashSet<string>> union, IReadOnlyDictionary<string, HashSet<string>> paths)
    {
        foreach ((string model, HashSet<string> modelPaths) in paths)
        {
            if (!union.TryGetValue(model, out HashSet<string>? known))
            {
                union[model] = known = new HashSet<string>(StringComparer.Ordinal);
            }

            known.UnionWith(modelPaths);
        }
    }
}
