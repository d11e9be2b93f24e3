using DecisionLedger.Hashing;

namespace DecisionLedger.Storage;

/// <summary>
/// Something an outsider said about one signed checkpoint, kept beside it: a witness's cosignature
/// or an RFC 3161 time-stamp token. Attestations are append-only and never change the checkpoint.
/// </summary>
/// <param name="TreeSize">The tree size of the checkpoint attested.</param>
/// <param name="RootHash">The root hash of that checkpoint (a second key, so an attestation can never attach to another tree).</param>
/// <param name="Kind">Cosignature or time-stamp token.</param>
/// <param name="Source">Who attested: the witness's key name, or the time-stamp authority's configured name.</param>
/// <param name="Value">The attestation bytes: the cosignature line (UTF-8) or the DER token.</param>
/// <param name="ObtainedAt">When the ledger received it (informational; the attestation carries its own time).</param>
public sealed record CheckpointAttestation(
    long TreeSize,
    Sha256Hash RootHash,
    CheckpointAttestationKind Kind,
    string Source,
    ReadOnlyMemory<byte> Value,
    DateTimeOffset ObtainedAt);
