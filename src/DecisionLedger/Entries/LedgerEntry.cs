using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>
/// One ledger entry: a decision as committed to the Merkle tree (shared/DESIGN.md, "Entries,
/// hashing and proofs"). Its canonical bytes, from <see cref="EntryCanonicalizer"/>, are what
/// the leaf hash covers; the input itself is represented only by <see cref="InputDigest"/>.
/// </summary>
/// <remarks>
/// Record equality compares <see cref="JsonElement"/> parts and <see cref="Redactions"/> by
/// reference; compare canonical bytes to decide whether two entries say the same thing.
/// </remarks>
public sealed record LedgerEntry
{
    /// <summary>The leaf format version a ledger writes unless it opted in to v2 (1).</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// Leaf format version 2: the subject is a pseudonymous ref (<see cref="SubjectRef"/>, never the clear id) and every
    /// decision entry carries its chain back-links (<see cref="Prev"/>). A ledger switches to it with a <c>format</c> event.
    /// </summary>
    public const int Version2 = 2;

    /// <summary>The leaf format version: <see cref="CurrentVersion"/> (the default) or <see cref="Version2"/>.</summary>
    public int V { get; init; } = CurrentVersion;

    /// <summary>The entry's position in the ledger: 0, 1, 2 … with no gaps; at most 2^53 so it is an exact JSON number.</summary>
    public required long Seq { get; init; }

    /// <summary>The decision's id, unique per ledger.</summary>
    public required string RequestId { get; init; }

    /// <summary>When the decision was made; UTC with at most microsecond precision.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The model that made the decision.</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>Who requested the decision, if known.</summary>
    public Actor? Actor { get; init; }

    /// <summary>Whom the decision is about, if known: the clear id, v1 entries only (a v2 entry refuses it; see <see cref="SubjectRef"/>).</summary>
    public DecisionSubject? Subject { get; init; }

    /// <summary>
    /// v2 only: the subject's ref (<c>subject.ref</c>), 22 base64url characters of 16 random bytes the sequencer assigned to the
    /// subject id; null when the decision has no subject. The clear id is never in a v2 entry.
    /// </summary>
    public string? SubjectRef { get; init; }

    /// <summary>v2 only, and required there: the chain back-links (<c>prev</c>); null in a v1 entry.</summary>
    public ChainLinks? Prev { get; init; }

    /// <summary>What the model returned (after redaction).</summary>
    public required JsonElement Output { get; init; }

    /// <summary>Why the model decided as it did, if known.</summary>
    public Explanation? Explanation { get; init; }

    /// <summary>How long the prediction took, in milliseconds, if known.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Free-form context (endpoint, client IP, traceparent …), if any.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The input commitment: <c>SHA-256(salt ‖ JCS(storedInput))</c>.</summary>
    public required Sha256Hash InputDigest { get; init; }

    /// <summary>The redactions applied before hashing, in the order applied; empty by default.</summary>
    public IReadOnlyList<AppliedRedaction> Redactions { get; init; } = [];
}
