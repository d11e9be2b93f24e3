using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Streams a ledger's entries in storage order, recomputes every leaf and the Merkle root at each
/// signed checkpoint size, and names the first bad <c>seq</c> and the kind of tampering.
/// </summary>
/// <remarks>
/// <para>
/// Feed every entry with <see cref="Add(long, ReadOnlySpan{byte}, Sha256Hash?, Sha256Hash?)"/> (it returns false once a finding is certain), then call
/// <see cref="Complete"/>. The checkpoints are checked when the classifier is created: each note's
/// signature with the ledger's key and origin (<see cref="TamperKind.CheckpointForged"/>), sizes that go
/// backwards in storage order (<see cref="TamperKind.CheckpointRolledBack"/>), and equal sizes with
/// different roots (<see cref="TamperKind.CheckpointInconsistent"/>).
/// </para>
/// <para>
/// Memory stays bounded: the Merkle tree keeps only its right edge (completed tiles are discarded,
/// not kept), and request-id uniqueness is tracked as one 64-bit hash per entry (about 24 bytes per
/// entry in a <see cref="HashSet{T}"/>, ~240 MB for 10M entries). Not thread-safe.
/// </para>
/// </remarks>
internal sealed class TamperClassifier
{
    private readonly MerkleTree _tree;
    private readonly bool _checkCanonical;
    private readonly SignedRootTracker _roots;
    private readonly HashSet<ulong> _requestIds = [];
    private readonly TamperFinding? _checkpointFinding;
    private readonly FormatV2Check _formatV2;
    private long _position;
    private TamperFinding? _final;
    private SeqGap? _gap;
    private (long Position, TamperFinding Finding)? _suspect;

    /// <summary>Creates a classifier for a whole ledger, starting at <c>seq</c> 0.</summary>
    /// <param name="verifier">The ledger's verifier key; checkpoints signed by any other key are forged.</param>
    /// <param name="origin">The ledger's origin; a checkpoint naming another origin is forged.</param>
    /// <param name="checkpoints">Every stored checkpoint, in the order stored.</param>
    /// <param name="checkCanonicalForm">Whether to reject entries not in RFC 8785 canonical form. Default true.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public TamperClassifier(NoteVerifier verifier, string origin, IEnumerable<StoredCheckpoint> checkpoints, bool checkCanonicalForm = true)
        : this(verifier, origin, checkpoints, MerkleTree.CreateEmpty(new InMemoryTileStore()), checkCanonicalForm)
    {
    }

    /// <summary>Creates a classifier that continues a trusted tree (incremental verification).</summary>
    internal TamperClassifier(NoteVerifier verifier, string origin, IEnumerable<StoredCheckpoint> checkpoints, MerkleTree trustedTree, bool checkCanonicalForm)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _tree = trustedTree;
        _checkCanonical = checkCanonicalForm;
        _position = trustedTree.Size;
        _roots = new SignedRootTracker(trustedTree.Size);
        _formatV2 = new FormatV2Check(fromStart: trustedTree.Size == 0);
        _checkpointFinding = SignedCheckpointReader.Read(verifier, origin, checkpoints, trustedTree.Size, _roots.Checkpoints);
        CheckCheckpointsAtCurrentSize();
    }

    /// <summary>
    /// Adds a checkpoint the auditor kept from an earlier look at the ledger (its signature already
    /// verified): the entries must reproduce its root at its size, and the ledger must still hold at
    /// least its size. A ledger cut back below it is <see cref="TamperKind.LedgerRolledBack"/>, even
    /// when the newer stored checkpoints were deleted with the entries.
    /// </summary>
    /// <param name="trusted">The auditor's checkpoint.</param>
    /// <exception cref="ArgumentOutOfRangeException">Its size is below the size verification starts from.</exception>
    internal void AddTrusted(Checkpoint trusted)
    {
        // Once a finding is certain, the trusted root is kept (for the final findings) but not checked.
        TamperFinding? finding = _roots.AddTrusted(trusted, _tree, check: _final is null);
        _final ??= finding;
    }

    /// <summary>The number of entries seen so far (the next expected <c>seq</c>).</summary>
    public long Position => _position;

    /// <summary>The number of checkpoints whose signature verified and whose root the entries reproduced.</summary>
    public long CheckpointsVerified => _roots.Verified;

    /// <summary>The root of the entries accepted so far.</summary>
    public Sha256Hash Root => _tree.Root;

    /// <summary>The number of entries accepted into the tree.</summary>
    public long TreeSize => _tree.Size;

    /// <summary>The <c>inputDigest</c> of the entry last accepted by <see cref="Add(long, ReadOnlySpan{byte}, Sha256Hash?, Sha256Hash?)"/>, or null when it has none.</summary>
    internal Sha256Hash? LastInputDigest { get; private set; }

    /// <summary>Consumes the next entry in storage order.</summary>
    /// <param name="rowSeq">The seq the store filed the entry under (named in findings when it differs from the position).</param>
    /// <param name="canonicalBytes">The entry's stored bytes.</param>
    /// <param name="storedLeafHash">The leaf hash the store recorded at append time, if any.</param>
    /// <param name="tileLeafHash">The leaf hash in the store's level-0 tile, if that tile is complete.</param>
    /// <returns>True while more entries are useful; false once the first finding is certain.</returns>
    public bool Add(long rowSeq, ReadOnlySpan<byte> canonicalBytes, Sha256Hash? storedLeafHash = null, Sha256Hash? tileLeafHash = null) =>
        _final is null && Add(rowSeq, canonicalBytes, EntryCheck.Compute(canonicalBytes, _checkCanonical), storedLeafHash, tileLeafHash);

    /// <summary>Consumes the next entry with its per-entry work already done (in parallel, by <see cref="LedgerVerifier"/>).</summary>
    /// <param name="rowSeq">The seq the store filed the entry under.</param>
    /// <param name="canonicalBytes">The entry's stored bytes (read again only for a finding's detail).</param>
    /// <param name="check">The entry's <see cref="EntryCheck"/>, computed with this classifier's canonical-form setting.</param>
    /// <param name="storedLeafHash">The leaf hash the store recorded at append time, if any.</param>
    /// <param name="tileLeafHash">The leaf hash in the store's level-0 tile, if that tile is complete.</param>
    /// <returns>True while more entries are useful; false once the first finding is certain.</returns>
    /// <param name="columns">The stored columns of the row, named in an index-mismatch finding; optional.</param>
    /// <param name="derivedMismatch">The finding's sentence when a row of a derived table disagrees with the entry (see <see cref="DerivedRowCheck"/>); optional.</param>
    internal bool Add(long rowSeq, ReadOnlySpan<byte> canonicalBytes, in EntryCheck check, Sha256Hash? storedLeafHash, Sha256Hash? tileLeafHash, EntryColumns? columns = null, string? derivedMismatch = null)
    {
        if (_final is not null)
        {
            return false;
        }

        long position = _position++;
        if (_checkpointFinding is not null && position >= _checkpointFinding.Seq)
        {
            _final = _checkpointFinding;
            return false;
        }

        if (_suspect is { } suspect)
        {
            // The entry before did not match its leaf. If this one claims the same seq, the one before
            // was an extra row slipped in ahead of the original (whose leaf the store still holds).
            _final = check.Readable && check.Fields.Seq == suspect.Position
                ? new TamperFinding(suspect.Position, TamperKind.EntryInserted, $"The entry at position {suspect.Position} does not hash to the leaf the store holds for seq {suspect.Position}, and the next entry is the original seq {suspect.Position}: an entry was inserted at seq {suspect.Position}, shifting the later ones.")
                : PreferPending(suspect.Finding);
            return false;
        }

        if (_gap is not null)
        {
            if (_gap.Scan(position, check) is { } gapFinding)
            {
                _final = PreferPending(gapFinding);
            }

            return _final is null;
        }

        if (check.IsExpired)
        {
            return AddExpired(position, rowSeq, tileLeafHash);
        }

        if (!check.Readable)
        {
            return Stop(position, TamperKind.MalformedEntry, $"The entry at position {position}{Row(rowSeq, position)} cannot be read: {check.Error}.");
        }

        if (!check.Canonical)
        {
            return Stop(position, TamperKind.MalformedEntry, $"The entry at position {position}{Row(rowSeq, position)} is valid JSON but not in RFC 8785 canonical form, so it is not the byte string that was hashed: it was edited outside the ledger.");
        }

        EntryFields fields = check.Fields;
        if (fields.Seq != position)
        {
            if (fields.Seq < position)
            {
                // Two entries claim the same seq. When the signed root that failed covers the repeated
                // seq, the extra entry explains it: an insertion, not an edit.
                if (_roots.Pending is { } pending && pending.RangeStart <= fields.Seq)
                {
                    _roots.Pending = null;
                }

                return Stop(position, TamperKind.EntryInserted, $"Expected the entry with seq {position}{Row(rowSeq, position)} but found a second entry claiming seq {fields.Seq}: an entry was inserted.");
            }

            _gap = new SeqGap(position, fields.Seq);
            return true;
        }

        if (!_requestIds.Add(fields.RequestIdKey))
        {
            return Stop(position, TamperKind.DuplicateRequestId, $"The requestId '{EntryFields.ReadRequestId(canonicalBytes)}' of seq {position} was already used by an earlier entry; request ids are unique per ledger.");
        }

        Sha256Hash leaf = check.Leaf;
        if (storedLeafHash is { } stored && stored != leaf)
        {
            return Suspect(position, $"The content of seq {position} hashes to leaf {leaf.ToBase64()} but the store recorded leaf {stored.ToBase64()} when it was appended: the entry was changed.");
        }

        if (tileLeafHash is { } tiled && tiled != leaf)
        {
            return Suspect(position, $"The content of seq {position} hashes to leaf {leaf.ToBase64()} but the store's Merkle tile holds leaf {tiled.ToBase64()}: the entry was changed.");
        }

        if (check.MismatchedColumn is { } column)
        {
            string held = columns is null ? "a different value" : EntryColumnMatcher.Describe(column, columns);
            return Stop(position, TamperKind.IndexMismatch, $"The store's '{column}' column of seq {position} holds {held}, which is not what the entry itself says: the row's index column was edited, so queries, reports and erasure by that column give wrong answers. The entry's own bytes are intact.");
        }

        if (derivedMismatch is not null)
        {
            return Stop(position, TamperKind.IndexMismatch, derivedMismatch);
        }

        if (_formatV2.Check(position, fields) is { } formatFinding)
        {
            _final = PreferPending(formatFinding);
            return false;
        }

        _tree.Append(leaf);
        LastInputDigest = fields.InputDigest;
        if ((_tree.Size & (Tile.Width - 1)) == 0)
        {
            // Tiles are not needed to compute roots at the right edge; dropping them bounds memory.
            _tree.TakeCompletedTiles();
        }

        CheckCheckpointsAtCurrentSize();
        if (_final is null && _roots.IsCheckpointSize(_tree.Size))
        {
            _final = _formatV2.AtCheckpoint(_tree.Size);
        }

        return _final is null;
    }

    // A decision whose archive file the retention policy deleted: no bytes to hash, so its leaf is the
    // tile's. The signed roots still check it: a changed tile leaf changes every root above it.
    private bool AddExpired(long position, long rowSeq, Sha256Hash? tileLeafHash)
    {
        if (rowSeq != position)
        {
            return Stop(position, TamperKind.EntryDeleted, $"Expected the entry with seq {position}, but the next row is seq {rowSeq}, whose archive file the retention policy deleted: the entry with seq {position} was deleted.");
        }

        if (tileLeafHash is not { } leaf)
        {
            return Stop(position, TamperKind.EntryDeleted, $"Seq {position} lies in an archive file the retention policy deleted, but no complete stored tile holds its leaf, so nothing proves it existed: the tile was removed.");
        }

        _formatV2.ChainsLost();
        _tree.Append(leaf);
        LastInputDigest = null;
        if ((_tree.Size & (Tile.Width - 1)) == 0)
        {
            _tree.TakeCompletedTiles();
        }

        CheckCheckpointsAtCurrentSize();
        if (_final is null && _roots.IsCheckpointSize(_tree.Size))
        {
            _final = _formatV2.AtCheckpoint(_tree.Size);
        }

        return _final is null;
    }

    /// <summary>Ends the stream and returns the first finding, or null when the ledger verified.</summary>
    public TamperFinding? Complete()
    {
        if (_final is null && _suspect is { } suspect)
        {
            _final = PreferPending(suspect.Finding);
        }

        if (_final is null && _gap is not null)
        {
            _final = PreferPending(_gap.Complete());
        }

        if (_final is null && _roots.Pending is { } pending)
        {
            _final = pending.AsContentChanged();
        }

        if (_final is null)
        {
            _final = _roots.Unreached(_position);
        }

        if (_roots.TrustedFinding is { } trustedFinding && (_final is null || trustedFinding.Seq < _final.Seq))
        {
            _final = trustedFinding;
        }

        if (_checkpointFinding is not null && (_final is null || _checkpointFinding.Seq < _final.Seq))
        {
            _final = _checkpointFinding;
        }

        return _final;
    }

    private void CheckCheckpointsAtCurrentSize()
    {
        if (_final is null)
        {
            _final = _roots.CheckAtSize(_tree);
        }
    }

    private static string Row(long rowSeq, long position) => rowSeq == position ? string.Empty : $" (filed by the store as row {rowSeq})";

    private TamperFinding PreferPending(TamperFinding finding) => _roots.Pending is { } pending ? pending.AsContentChanged() : finding;

    // A leaf mismatch is an edit unless the next entry shows it to be an insertion: decided on the next Add.
    private bool Suspect(long position, string detail)
    {
        _suspect = (position, new TamperFinding(position, TamperKind.ContentChanged, detail));
        return true;
    }

    private bool Stop(long position, TamperKind kind, string detail)
    {
        _final = PreferPending(new TamperFinding(position, kind, detail));
        return false;
    }
}
