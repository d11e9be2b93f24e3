using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Storage;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>
/// A stored checkpoint with the valid cosignatures the ledger holds for it, as one signed note:
/// the log's note with the cosignature lines appended (signed-note allows any number of
/// signature lines; verifiers ignore keys they do not know).
/// </summary>
/// <param name="Checkpoint">The stored checkpoint.</param>
/// <param name="Note">The checkpoint's signed note followed by each valid cosignature line of a policy witness.</param>
/// <param name="Cosigners">The policy witnesses whose cosignature verified, in storage order.</param>
/// <param name="Published">Whether <paramref name="Cosigners"/> meet the policy's quorum.</param>
public sealed record CosignedNote(StoredCheckpoint Checkpoint, string Note, IReadOnlyList<PolicyWitness> Cosigners, bool Published)
{
    /// <summary>Attaches the attestations of <paramref name="checkpoint"/> that are valid cosignatures by witnesses of <paramref name="policy"/>.</summary>
    /// <param name="checkpoint">The signed checkpoint.</param>
    /// <param name="attestations">What the store holds for its size (other kinds, other roots and unknown or invalid lines are left out).</param>
    /// <param name="policy">The witnesses to trust and the quorum.</param>
    /// <returns>The cosigned note.</returns>
    public static CosignedNote Build(StoredCheckpoint checkpoint, IEnumerable<CheckpointAttestation> attestations, WitnessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(attestations);
        ArgumentNullException.ThrowIfNull(policy);
        string body = SignedNoteFormat.Parse(checkpoint.SignedNote).Text;
        var note = new StringBuilder(checkpoint.SignedNote);
        var cosigners = new List<PolicyWitness>();
        foreach (CheckpointAttestation attestation in attestations)
        {
            if (attestation.Kind != CheckpointAttestationKind.Cosignature || attestation.TreeSize != checkpoint.TreeSize || attestation.RootHash != checkpoint.RootHash)
            {
                continue;
            }

            string line = Encoding.UTF8.GetString(attestation.Value.Span);
            if (ValidWitness(checkpoint.SignedNote, body, line, policy) is { } witness && !cosigners.Contains(witness))
            {
                cosigners.Add(witness);
                note.Append(line);
            }
        }

        return new CosignedNote(checkpoint, note.ToString(), cosigners, policy.IsQuorumMet(cosigners.Select(w => w.Verifier)));
    }

    /// <summary>The policy witness whose valid cosignature <paramref name="line"/> is, or null.</summary>
    /// <param name="signedNote">The checkpoint note with the log's signature.</param>
    /// <param name="body">The note's text (without signature lines).</param>
    /// <param name="line">One signature line, ending in a newline.</param>
    /// <param name="policy">The witnesses to trust.</param>
    /// <returns>The witness, or null when the line is malformed, by an unknown key, or does not verify.</returns>
    internal static PolicyWitness? ValidWitness(string signedNote, string body, string line, WitnessPolicy policy)
    {
        NoteSignature signature;
        try
        {
            // The signature line parser is the note parser's: the line is parsed as the last line of the note.
            signature = SignedNoteFormat.Parse(signedNote + line).Signatures[^1];
        }
        catch (FormatException)
        {
            return null;
        }

        PolicyWitness? witness = policy.Witnesses.FirstOrDefault(w => w.Verifier.Matches(signature));
        return witness is not null && witness.Verifier.Verify(body, signature, out _) ? witness : null;
    }
}
