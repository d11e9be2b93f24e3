using System.Collections.Concurrent;
using DecisionLedger.Randomness;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// The pseudonymous subject refs of v2 entries (<see cref="LedgerOptions.EntryFormat"/> 2): for each batch, gives
/// every request with a subject id its ref, from a bounded cache, else from the store's mapping
/// (<see cref="ISubjectRefStore.GetSubjectRefsAsync"/>), else a fresh one (16 random bytes, base64url without
/// padding) that the batch carries to the store (<see cref="AppendBatch.NewSubjectRefs"/>). A fresh ref stays known
/// to the builder while its batch is in flight, so later batches reuse it, and becomes a cached one when its commit
/// succeeds; after a failed commit the builder forgets every ref not committed (<see cref="ForgetUncommitted"/>), so
/// the store's mapping stays the only truth.
/// </summary>
/// <remarks>
/// The builder's thread calls everything except <see cref="Committed"/>, which the committer calls after a
/// successful commit: it only queues the refs, and the builder takes them in before its next lookup. Refs are
/// random, never derived from the id: once erasure deletes the mapping nothing can link the ref to the person.
/// </remarks>
internal sealed class SubjectRefs(ISubjectRefStore store, IRandomSource random, StoreRetry retry, int capacity = SubjectRefs.DefaultCapacity)
{
    /// <summary>How many id→ref pairs the cache holds at most (two generations of half each). Default 131,072.</summary>
    public const int DefaultCapacity = 131_072;

    /// <summary>The length of a ref: base64url without padding of 16 bytes.</summary>
    public const int RefLength = 22;

    private readonly Dictionary<string, string> _uncommitted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IReadOnlyList<SubjectRef>> _committed = new();
    private readonly int _generationSize = Math.Max(1, capacity / 2);

    // Two generations approximate least-recently-used at the cost of plain dictionary look-ups: a hit in the older one is
    // promoted; when the newer one is full, the older one is dropped. A miss costs one store look-up per batch.
    private Dictionary<string, string> _recent = new(StringComparer.Ordinal);
    private Dictionary<string, string> _older = new(StringComparer.Ordinal);

    /// <summary>How many refs are assigned but not yet known committed (tests and metrics).</summary>
    public int UncommittedCount => _uncommitted.Count;

    /// <summary>
    /// Sets <see cref="EntryRequest.SubjectRef"/> on every request of the batch that has a subject id; returns the refs
    /// created for ids never seen (they go into the batch's <see cref="AppendBatch.NewSubjectRefs"/>), or null.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store look-up failed under the retry rule.</exception>
    public async ValueTask<List<SubjectRef>?> AssignAsync(IReadOnlyList<EntryRequest> requests)
    {
        TakeCommitted();
        HashSet<string>? misses = null;
        foreach (EntryRequest request in requests)
        {
            string? id = request.SubjectId;
            request.SubjectRef = id is null ? null : Find(id);
            if (id is not null && request.SubjectRef is null)
            {
                (misses ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
            }
        }

        if (misses is null)
        {
            return null;
        }

        IReadOnlyDictionary<string, string> stored = await retry.RunAsync(ct => store.GetSubjectRefsAsync(misses, ct), misses.Count).ConfigureAwait(false);
        List<SubjectRef>? created = null;
        foreach (string id in misses)
        {
            if (stored.TryGetValue(id, out string? known))
            {
                Remember(id, known);
            }
            else
            {
                string fresh = NewRef(random);
                _uncommitted[id] = fresh;
                (created ??= []).Add(new SubjectRef(id, fresh));
            }
        }

        // From the answer and the uncommitted refs, not the cache: a batch with more misses than a cache generation
        // holds would have evicted its own first answers again by now.
        foreach (EntryRequest request in requests)
        {
            if (request.SubjectRef is null && request.SubjectId is { } id)
            {
                request.SubjectRef = stored.TryGetValue(id, out string? known) ? known : _uncommitted[id];
            }
        }

        return created;
    }

    /// <summary>Called by the committer once a batch carrying <paramref name="refs"/> is durable.</summary>
    public void Committed(IReadOnlyList<SubjectRef>? refs)
    {
        if (refs is { Count: > 0 })
        {
            _committed.Enqueue(refs);
        }
    }

    /// <summary>After a failed commit, once every job is settled: forgets the refs whose batches were never stored.</summary>
    public void ForgetUncommitted()
    {
        TakeCommitted();
        _uncommitted.Clear();
    }

    /// <summary>
    /// Forgets every id mapped to <paramref name="subjectRef"/> (its subject was erased and its mapping row deleted):
    /// a later decision about the same id starts a new, unlinked chain instead of joining the erased one.
    /// </summary>
    public void Forget(string subjectRef)
    {
        TakeCommitted();
        RemoveValue(_recent, subjectRef);
        RemoveValue(_older, subjectRef);
        RemoveValue(_uncommitted, subjectRef);
    }

    /// <summary>A fresh ref: 16 bytes of <paramref name="source"/>, base64url without padding (22 characters).</summary>
    public static string NewRef(IRandomSource source)
    {
        Span<byte> bytes = stackalloc byte[16];
        source.Fill(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    private string? Find(string id)
    {
        if (_recent.TryGetValue(id, out string? found) || _uncommitted.TryGetValue(id, out found))
        {
            return found;
        }

        if (_older.TryGetValue(id, out found))
        {
            Remember(id, found);
            return found;
        }

        return null;
    }

    private void Remember(string id, string subjectRef)
    {
        if (_recent.Count >= _generationSize)
        {
            _older = _recent;
            _recent = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        _recent[id] = subjectRef;
    }

    private void TakeCommitted()
    {
        while (_committed.TryDequeue(out IReadOnlyList<SubjectRef>? refs))
        {
            foreach (SubjectRef committed in refs)
            {
                // Only if it is still the one assigned: an erasure in between forgot it.
                if (_uncommitted.TryGetValue(committed.SubjectId, out string? pending) && pending == committed.Ref)
                {
                    _uncommitted.Remove(committed.SubjectId);
                    Remember(committed.SubjectId, committed.Ref);
                }
            }
        }
    }

    private static void RemoveValue(Dictionary<string, string> map, string value)
    {
        List<string>? keys = null;
        foreach ((string key, string mapped) in map)
        {
            if (mapped == value)
            {
                (keys ??= []).Add(key);
            }
        }

        if (keys is not null)
        {
            foreach (string key in keys)
            {
                map.Remove(key);
            }
        }
    }
}
