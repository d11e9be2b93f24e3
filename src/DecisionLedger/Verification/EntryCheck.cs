using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// The per-entry work of verification that depends on the entry's bytes alone: the fields read,
/// the canonical-form check and the leaf hash. Computed in parallel over a page, then consumed in
/// storage order by <see cref="TamperClassifier"/>, whose findings depend on order.
/// </summary>
internal readonly struct EntryCheck
{
    private EntryCheck(bool readable, EntryFields fields, string? error, bool canonical, Sha256Hash leaf, string? mismatchedColumn)
    {
        MismatchedColumn = mismatchedColumn;
        Readable = readable;
        Fields = fields;
        Error = error;
        Canonical = canonical;
        Leaf = leaf;
    }

    /// <summary>Whether <see cref="EntryFields"/> could read the entry.</summary>
    public bool Readable { get; }

    /// <summary>The fields read, when <see cref="Readable"/>.</summary>
    public EntryFields Fields { get; }

    /// <summary>Why the entry cannot be read, when not <see cref="Readable"/>.</summary>
    public string? Error { get; }

    /// <summary>Whether the bytes are in RFC 8785 canonical form; true when that was not asked for or the entry is unreadable.</summary>
    public bool Canonical { get; }

    /// <summary>The SQL name of the first stored column that differs from the entry's bytes, or null (also when no columns were given).</summary>
    public string? MismatchedColumn { get; }

    /// <summary>The leaf hash of the bytes as stored.</summary>
    public Sha256Hash Leaf { get; }

    /// <summary>Whether the row is a placeholder for a decision whose archive file the retention policy deleted (<see cref="ExpiredSpans"/>): no bytes, its leaf comes from the tile.</summary>
    public bool IsExpired { get; private init; }

    /// <summary>The check of a placeholder for an expired decision: not readable, nothing to hash.</summary>
    public static EntryCheck ForExpired() => new(false, default, "the archive file holding it expired", true, default, null) { IsExpired = true };

    /// <summary>Reads, optionally checks the canonical form of, and hashes one entry.</summary>
    /// <param name="canonicalBytes">The entry's stored bytes.</param>
    /// <param name="checkCanonical">Whether to check the RFC 8785 canonical form.</param>
    /// <param name="columns">The columns the store holds for the row, checked against the bytes in the same pass; null checks none.</param>
    public static EntryCheck Compute(ReadOnlySpan<byte> canonicalBytes, bool checkCanonical, Storage.EntryColumns? columns = null)
    {
        bool readable = EntryFields.TryRead(canonicalBytes, columns, out EntryFields fields, out string? error, out string? mismatched);
        bool canonical = !readable || !checkCanonical || EntryFields.IsCanonical(canonicalBytes);
        return new EntryCheck(readable, fields, error, canonical, MerkleHasher.HashLeaf(canonicalBytes), mismatched);
    }
}
