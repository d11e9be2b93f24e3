using DecisionLedger.Checkpoints;

namespace DecisionLedger.Archiving;

/// <summary>
/// Signs and opens archive manifests as C2SP signed notes with the ledger's checkpoint key: the
/// note text is the manifest's canonical JSON and a newline.
/// </summary>
public static class ArchiveManifestNote
{
    /// <summary>Signs <paramref name="manifest"/> with the ledger's checkpoint signer.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="signer">The ledger's checkpoint signer.</param>
    /// <returns>The signed note: the JSON line, a blank line, one signature line.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static string Sign(ArchiveManifest manifest, ICheckpointSigner signer)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(signer);
        return SignedNoteFormat.Sign(manifest.ToCanonicalJson() + "\n", signer);
    }

    /// <summary>Verifies a signed manifest with the ledger's public key and parses it.</summary>
    /// <param name="note">The signed note, as read from the <c>.manifest</c> file.</param>
    /// <param name="verifier">The ledger's verifier key.</param>
    /// <returns>The verified manifest.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="NoteVerificationException">
    /// The note is malformed or its JSON is not a canonical manifest (<see cref="NoteVerificationFailure.Malformed"/>),
    /// the ledger key's signature fails (<see cref="NoteVerificationFailure.InvalidSignature"/>) or is absent
    /// (<see cref="NoteVerificationFailure.NoKnownSignature"/>).
    /// </exception>
    public static ArchiveManifest Open(string note, NoteVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(verifier);
        VerifiedNote verified = SignedNoteFormat.Open(note, [verifier]);
        try
        {
            return ArchiveManifest.Parse(verified.Text);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException(NoteVerificationFailure.Malformed, $"The signed note is not an archive manifest: {e.Message}", e);
        }
    }
}
