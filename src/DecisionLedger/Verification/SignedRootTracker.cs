using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Verification;

/// <summary>
/// The signed roots a <see cref="TamperClassifier"/> checks the entries against: every stored
/// checkpoint whose signature verified, plus the one the auditor trusted, compared with the tree
/// as it reaches each one's size. A root the entries do not reproduce waits as a
/// <see cref="PendingRoot"/> until the next signed root tells whether the checkpoint or the entries
/// are at fault. Not thread-safe.
/// </summary>
internal sealed class SignedRootTracker
{
    private readonly List<(long Size, Sha256Hash Root)> _checkpoints = [];
    private int _next;
    private long _lastVerifiedSize;
    private (long Size, Sha256Hash Root)? _trusted;

    /// <summary>Starts with nothing verified beyond <paramref name="startSize"/> (the trusted tree verification continues).</summary>
    public SignedRootTracker(long startSize)
    {
        _lastVerifiedSize = startSize;
    }

    /// <summary>The signed roots, ascending by size; <see cref="SignedCheckpointReader"/> fills it.</summary>
    public List<(long Size, Sha256Hash Root)> Checkpoints => _checkpoints;

    /// <summary>The number of signed roots the entries reproduced.</summary>
    public long Verified { get; private set; }

    /// <summary>A signed root the entries did not reproduce, waiting for the next one; cleared when an insertion explains it.</summary>
    public PendingRoot? Pending { get; set; }

    /// <summary>The finding when the trusted checkpoint disagrees with a stored signed checkpoint of the same size.</summary>
    public TamperFinding? TrustedFinding { get; private set; }

    /// <summary>Adds the auditor's checkpoint (see <see cref="TamperClassifier.AddTrusted"/>) and, when <paramref name="check"/>, checks it if the tree is at its size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Its size is below the size verification starts from.</exception>
    public TamperFinding? AddTrusted(Checkpoint trusted, MerkleTree tree, bool check)
    {
        _trusted = (trusted.Size, trusted.RootHash);
        foreach ((long size, Sha256Hash root) in _checkpoints)
        {
            if (size == trusted.Size)
            {
                if (root != trusted.RootHash)
                {
                    TrustedFinding = new TamperFinding(trusted.Size, TamperKind.CheckpointInconsistent, $"The checkpoint you trusted for tree size {trusted.Size} has root {trusted.RootHash.ToBase64()}, but the ledger's signed checkpoint for that size says {root.ToBase64()}: the ledger now shows a different history than the one you saw.");
                }

                return null;
            }
        }

        if (trusted.Size < tree.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(trusted), trusted.Size, $"The trusted checkpoint's tree size {trusted.Size} is below the size verification starts from ({tree.Size}); verify from an earlier checkpoint or fully.");
        }

        _checkpoints.Add((trusted.Size, trusted.RootHash));
        _checkpoints.Sort(static (a, b) => a.Size.CompareTo(b.Size));
        return check ? CheckAtSize(tree) : null;
    }

    /// <summary>Checks every signed root at the tree's current size; returns the first certain finding, or null.</summary>
    public TamperFinding? CheckAtSize(MerkleTree tree)
    {
        while (_next < _checkpoints.Count && _checkpoints[_next].Size == tree.Size)
        {
            (long size, Sha256Hash signedRoot) = _checkpoints[_next++];
            Sha256Hash root = tree.Root;
            if (root == signedRoot)
            {
                Verified++;
                if (Pending is { } pending)
                {
                    // The entries reproduce this later signed root, so they are what the key signed: the
                    // earlier checkpoint is the odd one out.
                    return new TamperFinding(pending.Size, TamperKind.CheckpointInconsistent, $"The signed checkpoint for tree size {pending.Size} has root {pending.Signed.ToBase64()}, but the entries, which reproduce the later signed checkpoint for tree size {size}, give {pending.Computed.ToBase64()}: the two checkpoints are not consistent.");
                }

                _lastVerifiedSize = size;
            }
            else if (Pending is { } pending)
            {
                return pending.AsContentChanged();
            }
            else
            {
                Pending = new PendingRoot(_lastVerifiedSize, size, signedRoot, root);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a signed (or trusted) checkpoint covers exactly <paramref name="size"/> entries; valid right after
    /// <see cref="CheckAtSize"/> ran for that size (it steps past the checkpoints of the size), in O(1).
    /// </summary>
    public bool IsCheckpointSize(long size) => _next > 0 && _checkpoints[_next - 1].Size == size;

    /// <summary>After the last entry: a signed root beyond the <paramref name="position"/> entries the ledger holds, as a finding, or null.</summary>
    public TamperFinding? Unreached(long position)
    {
        if (_next >= _checkpoints.Count)
        {
            return null;
        }

        (long size, _) = _checkpoints[^1];
        bool onlyTrusted = _trusted is { } t && _checkpoints.FindLastIndex(c => c.Size > position && c.Size != t.Size) < 0;
        return onlyTrusted
            ? new TamperFinding(position, TamperKind.LedgerRolledBack, $"The checkpoint you trusted covers {_trusted!.Value.Size} entries, but the ledger now holds only {position} and its stored checkpoints stop below that: the ledger was rolled back, the entries from seq {position} and the checkpoints covering them removed.")
            : new TamperFinding(position, TamperKind.TailTruncated, $"A signed checkpoint covers {size} entries but the ledger holds only {position}: the entries from seq {position} were removed.");
    }
}
