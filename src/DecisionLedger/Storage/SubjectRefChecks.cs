namespace DecisionLedger.Storage;

/// <summary>
/// The checks every store makes on <see cref="AppendBatch.NewSubjectRefs"/> before it writes anything,
/// so the three stores reject a malformed mapping with the same message.
/// </summary>
public static class SubjectRefChecks
{
    /// <summary>The length of a subject ref: 16 bytes in base64url without padding.</summary>
    public const int RefLength = 22;

    /// <summary>True when <paramref name="value"/> has the shape of a subject ref: 22 characters of the base64url alphabet.</summary>
    /// <param name="value">The candidate ref.</param>
    /// <returns>True when well formed.</returns>
    public static bool IsWellFormedRef(string? value)
    {
        if (value is not { Length: RefLength })
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks the batch's new mappings: each has a non-empty subject id and a well-formed ref, and no
    /// subject id or ref appears twice in the batch.
    /// </summary>
    /// <param name="refs">The batch's <see cref="AppendBatch.NewSubjectRefs"/>; null or empty passes.</param>
    /// <param name="store">Names the store in the message (a path or a PostgreSQL target).</param>
    /// <exception cref="LedgerStoreException">A mapping is malformed or repeated; the message names it, and nothing of the batch may be stored.</exception>
    public static void ThrowIfInvalid(IReadOnlyList<SubjectRef>? refs, string store)
    {
        if (refs is null || refs.Count == 0)
        {
            return;
        }

        var ids = new HashSet<string>(refs.Count, StringComparer.Ordinal);
        var seen = new HashSet<string>(refs.Count, StringComparer.Ordinal);
        for (int i = 0; i < refs.Count; i++)
        {
            SubjectRef mapping = refs[i] ?? throw Rejected(store, $"NewSubjectRefs[{i}] is null");
            if (string.IsNullOrEmpty(mapping.SubjectId))
            {
                throw Rejected(store, $"NewSubjectRefs[{i}].SubjectId is empty; a mapping needs the clear subject id");
            }

            if (!IsWellFormedRef(mapping.Ref))
            {
                throw Rejected(store, $"NewSubjectRefs[{i}].Ref '{mapping.Ref}' is not a subject ref (22 characters, base64url without padding of 16 random bytes)");
            }

            if (!ids.Add(mapping.SubjectId))
            {
                throw Rejected(store, $"NewSubjectRefs[{i}] maps a subject id that an earlier mapping of the batch already maps; a subject has one ref");
            }

            if (!seen.Add(mapping.Ref))
            {
                throw Rejected(store, $"NewSubjectRefs[{i}].Ref '{mapping.Ref}' is given to two subjects in the batch; refs are unique per ledger");
            }
        }
    }

    /// <summary>The message for a mapping that conflicts with one already stored.</summary>
    /// <param name="store">Names the store.</param>
    /// <param name="detail">Which mapping, if known.</param>
    /// <param name="inner">The database's error, if any.</param>
    /// <returns>The exception to throw.</returns>
    public static LedgerStoreException Conflict(string store, string detail, Exception? inner = null)
    {
        string message = $"Append rejected: {detail} in {store}; a subject id has one ref and a ref one subject id. " +
            "Reload the subject mappings (the sequencer's cache is stale) and append again. Nothing of the batch was stored.";
        return inner is null ? new LedgerStoreException(message) : new LedgerStoreException(message, inner);
    }

    private static LedgerStoreException Rejected(string store, string reason) =>
        new($"Append rejected by {store}: {reason}. Nothing of the batch was stored.");
}
