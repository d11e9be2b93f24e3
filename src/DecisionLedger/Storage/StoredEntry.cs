using DecisionLedger.Hashing;

namespace DecisionLedger.Storage;

/// <summary>
/// One ledger entry as a store holds it: the canonical bytes the leaf hash commits to,
/// plus columns extracted from them for indexing. Only <see cref="CanonicalBytes"/> is
/// authoritative; verification recomputes everything else from it.
/// </summary>
/// <param name="Seq">Position in the ledger, 0-based, without gaps.</param>
/// <param name="CanonicalBytes">The RFC 8785 canonical entry; its leaf hash is SHA-256(0x00 ‖ bytes).</param>
/// <param name="LeafHash">The leaf hash as computed when the entry was appended (a cache, not trusted).</param>
/// <param name="Columns">Indexed columns copied out of the entry.</param>
public sealed record StoredEntry(long Seq, byte[] CanonicalBytes, Sha256Hash LeafHash, EntryColumns Columns);
