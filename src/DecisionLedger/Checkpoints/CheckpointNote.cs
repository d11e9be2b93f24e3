namespace DecisionLedger.Checkpoints;

/// <summary>Signs and opens checkpoints as signed notes: the <c>checkpoint</c> file of a ledger or evidence bundle.</summary>
public static class CheckpointNote
{
    /// <summary>Signs <paramref name="checkpoint"/> and returns the signed note text.</summary>
    /// <param name="checkpoint">The checkpoint to sign.</param>
    /// <param name="signer">The ledger's signer; its key name should equal the checkpoint origin.</param>
    /// <returns>The checkpoint body, a blank line and one signature line.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint has an invalid origin, size or extension line.</exception>
    public static string Sign(Checkpoint checkpoint, ICheckpointSigner signer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(signer);
        return SignedNoteFormat.Sign(checkpoint.ToBody(), signer);
    }

    /// <summary>Verifies a signed checkpoint note with the ledger's key and parses its body.</summary>
    /// <param name="note">The signed note.</param>
    /// <param name="verifier">The ledger's verifier key; signatures by other keys are ignored.</param>
    /// <param name="expectedOrigin">The origin the checkpoint must name, or <see langword="null"/> (the default) to accept any origin.</param>
    /// <returns>The verified checkpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="note"/> or <paramref name="verifier"/> is <see langword="null"/>.</exception>
    /// <exception cref="NoteVerificationException">
    /// <see cref="NoteVerificationFailure.Malformed"/> when the note or its checkpoint body does
    /// not parse; <see cref="NoteVerificationFailure.InvalidSignature"/> when the verifier's
    /// signature fails; <see cref="NoteVerificationFailure.NoKnownSignature"/> when the verifier
    /// did not sign it; <see cref="NoteVerificationFailure.OriginMismatch"/> when the origin differs
    /// from <paramref name="expectedOrigin"/>.
    /// </exception>
    public static Checkpoint Open(string note, NoteVerifier verifier, string? expectedOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(verifier);

        // Verify before parsing the body: unsigned text is untrusted and its parse errors meaningless.
        VerifiedNote verified = SignedNoteFormat.Open(note, [verifier]);

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.ParseBody(verified.Text);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException(
                NoteVerificationFailure.Malformed, $"The signed note is not a checkpoint: {e.Message}", e);
        }

        if (expectedOrigin is not null && !string.Equals(checkpoint.Origin, expectedOrigin, StringComparison.Ordinal))
        {
            // A validly signed checkpoint of another log under the same key must not pass as this one's.
            throw new NoteVerificationException(
                NoteVerificationFailure.OriginMismatch,
                $"The checkpoint origin '{checkpoint.Origin}' is not the expected origin '{expectedOrigin}'.");
        }

        return checkpoint;
    }
}
