using DecisionLedger.Checkpoints;

namespace DecisionLedger.Witnessing;

/// <summary>
/// Verifies a cosigned checkpoint: the log's signature, then witness cosignatures
/// (c2sp.org/tlog-cosignature) until the policy's quorum is met, each over exactly this checkpoint.
/// </summary>
public static class CosignedCheckpointVerifier
{
    /// <summary>Verifies <paramref name="note"/> against the log key and the witness policy.</summary>
    /// <param name="note">The checkpoint note with the log's signature line and witness cosignature lines.</param>
    /// <param name="logKey">The log's verifier key.</param>
    /// <param name="policy">The witnesses to trust and the quorum.</param>
    /// <param name="expectedOrigin">The origin the checkpoint must name, or <see langword="null"/> to accept the log key's.</param>
    /// <returns>The checkpoint and the valid cosignatures of listed witnesses.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="NoteVerificationException">The note is malformed, or the log's signature is missing or invalid, or the origin differs.</exception>
    /// <exception cref="WitnessQuorumException">
    /// A line by a listed witness (same name and key ID) is not a valid cosignature of this
    /// checkpoint, or the valid cosignatures do not meet the quorum.
    /// </exception>
    public static CosignedCheckpoint Verify(string note, NoteVerifier logKey, WitnessPolicy policy, string? expectedOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(logKey);
        ArgumentNullException.ThrowIfNull(policy);

        Checkpoint checkpoint = CheckpointNote.Open(note, logKey, expectedOrigin ?? logKey.Name);
        SignedNote parsed = SignedNoteFormat.Parse(note);

        var cosignatures = new List<Cosignature>();
        foreach (NoteSignature line in parsed.Signatures)
        {
            if (policy.Witnesses.FirstOrDefault(w => w.Verifier.Matches(line)) is not { } witness)
            {
                // Signatures by unknown keys are ignored, as signed-note requires.
                continue;
            }

            if (!witness.Verifier.Verify(parsed.Text, line, out DateTimeOffset timestamp))
            {
                // As for a log key, a listed key's bad line is evidence of tampering, not noise:
                // most often a cosignature copied from a different checkpoint.
                throw new WitnessQuorumException(
                    $"The cosignature line by witness '{witness.Name}' ({witness.Verifier.Name}) is not a valid cosignature/v1 of this checkpoint (size {checkpoint.Size}); it was made over other text or altered.");
            }

            if (!cosignatures.Any(c => c.Witness == witness.Verifier))
            {
                cosignatures.Add(new Cosignature(witness.Verifier, timestamp));
            }
        }

        if (!policy.IsQuorumMet(cosignatures.Select(c => c.Witness)))
        {
            string found = cosignatures.Count == 0
                ? "none"
                : string.Join(", ", cosignatures.Select(c => c.Witness.Name));
            throw new WitnessQuorumException(
                $"The checkpoint of '{checkpoint.Origin}' at size {checkpoint.Size} has valid cosignatures from {cosignatures.Count} listed witness(es) ({found}); the policy requires {policy.QuorumDescription}.");
        }

        return new CosignedCheckpoint(checkpoint, cosignatures);
    }
}
