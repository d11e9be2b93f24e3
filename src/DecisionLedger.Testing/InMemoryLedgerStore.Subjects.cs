using System.Runtime.CompilerServices;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

/// <summary>The entry-v2 facet of the store: the subjects mapping and the chain heads.</summary>
public sealed partial class InMemoryLedgerStore
{
    private const string StoreName = "the in-memory ledger";

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        lock (Data.Gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(
                subjectIds.Distinct(StringComparer.Ordinal).Where(Data.SubjectRefs.ContainsKey).ToDictionary(id => id, id => Data.SubjectRefs[id], StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refs);
        var wanted = refs.ToHashSet(StringComparer.Ordinal);
        lock (Data.Gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(
                Data.SubjectRefs.Where(p => wanted.Contains(p.Value)).ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        lock (Data.Gate)
        {
            return ValueTask.FromResult(Data.SubjectRefs.Remove(subjectId, out string? deleted) ? deleted : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        lock (Data.Gate)
        {
            foreach (StoredEntry entry in Data.Entries)
            {
                if (entry.Seq < fromSeq || entry.Seq >= beforeSeq || !string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
                {
                    continue;
                }

                if (entry.Columns.SubjectId is { } subject)
                {
                    Advance(heads, "s:" + subject, entry.Seq);
                }

                Advance(heads, "m:" + entry.Columns.ModelName, entry.Seq);
            }
        }

        foreach ((string key, ChainHead head) in heads)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return (key, head);
        }

        static void Advance(Dictionary<string, ChainHead> heads, string key, long seq)
        {
            ChainHead head = heads.GetValueOrDefault(key, new ChainHead(-1, 0));
            heads[key] = new ChainHead(Math.Max(head.Last, seq), head.Count + 1);
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default)
    {
        SubjectQuery.ThrowIfNotEventKind(kind);
        lock (Data.Gate)
        {
            StoredEntry? first = Data.Entries.Find(e => string.Equals(e.Columns.Kind, kind, StringComparison.Ordinal));
            return ValueTask.FromResult(first?.Seq);
        }
    }

    // Checked with the rest of the batch before anything is written; the caller holds the gate.
    private void ThrowIfSubjectRefsConflict(IReadOnlyList<SubjectRef>? refs)
    {
        SubjectRefChecks.ThrowIfInvalid(refs, StoreName);
        if (refs is null || refs.Count == 0)
        {
            return;
        }

        HashSet<string>? storedRefs = null;
        foreach (SubjectRef mapping in refs)
        {
            if (Data.SubjectRefs.ContainsKey(mapping.SubjectId))
            {
                throw SubjectRefChecks.Conflict(StoreName, $"a new subject mapping's id already has a ref");
            }

            storedRefs ??= Data.SubjectRefs.Values.ToHashSet(StringComparer.Ordinal);
            if (storedRefs.Contains(mapping.Ref))
            {
                throw SubjectRefChecks.Conflict(StoreName, $"ref '{mapping.Ref}' already belongs to another subject");
            }
        }
    }

    private void WriteSubjectRefs(IReadOnlyList<SubjectRef>? refs)
    {
        foreach (SubjectRef mapping in refs ?? [])
        {
            Data.SubjectRefs.Add(mapping.SubjectId, mapping.Ref);
        }
    }
}
