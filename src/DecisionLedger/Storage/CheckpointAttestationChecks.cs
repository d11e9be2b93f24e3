namespace DecisionLedger.Storage;

/// <summary>
/// The checks every store makes on a <see cref="CheckpointAttestation"/> before it writes it, so the
/// three stores reject a malformed one with the same message.
/// </summary>
public static class CheckpointAttestationChecks
{
    /// <summary>Throws when <paramref name="attestation"/> cannot be stored.</summary>
    /// <param name="attestation">The attestation to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="attestation"/> is null.</exception>
    /// <exception cref="ArgumentException">A field is out of range or empty; the message names it.</exception>
    public static void ThrowIfInvalid(CheckpointAttestation attestation)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        if (attestation.TreeSize < 0)
        {
            throw new ArgumentException($"CheckpointAttestation.TreeSize: {attestation.TreeSize} is negative; a checkpoint's tree size is 0 or more.", nameof(attestation));
        }

        if (!Enum.IsDefined(attestation.Kind))
        {
            throw new ArgumentException($"CheckpointAttestation.Kind: {(int)attestation.Kind} is not a known kind (Cosignature or Timestamp).", nameof(attestation));
        }

        if (string.IsNullOrWhiteSpace(attestation.Source))
        {
            throw new ArgumentException("CheckpointAttestation.Source: empty; name the witness key or the time-stamp authority that attested.", nameof(attestation));
        }

        if (attestation.Value.IsEmpty)
        {
            throw new ArgumentException($"CheckpointAttestation.Value: empty; an attestation from '{attestation.Source}' must carry its cosignature line or token.", nameof(attestation));
        }
    }
}
