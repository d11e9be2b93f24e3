namespace DecisionLedger.Storage;

/// <summary>What a <see cref="CheckpointAttestation"/> is: a witness's cosignature or a time-stamp authority's token.</summary>
public enum CheckpointAttestationKind
{
    /// <summary>A C2SP <c>cosignature/v1</c> line from a witness (c2sp.org/tlog-cosignature), UTF-8, ending in a newline.</summary>
    Cosignature = 1,

    /// <summary>A DER-encoded RFC 3161 time-stamp token over the SHA-256 of the checkpoint's signed note.</summary>
    Timestamp = 2,
}
