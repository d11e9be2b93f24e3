namespace DecisionLedger.Checkpoints;

/// <summary>
/// Signs checkpoint and note texts with one key: the extension point for keeping the
/// ledger's private key in a file, an HSM or a cloud KMS.
/// </summary>
/// <remarks>
/// Implementations must produce signatures that <see cref="Verifier"/> accepts and must be
/// safe to call from several threads.
/// </remarks>
public interface ICheckpointSigner
{
    /// <summary>The key name written in signature lines; by convention the ledger's origin.</summary>
    string Name { get; }

    /// <summary>The 32-bit key ID written, big-endian, before each signature.</summary>
    uint KeyId { get; }

    /// <summary>The verifier for this signer's public key.</summary>
    NoteVerifier Verifier { get; }

    /// <summary>Signs <paramref name="message"/>.</summary>
    /// <param name="message">The bytes to sign (for a note, its UTF-8 text including the final newline).</param>
    /// <returns>The raw signature, without the key ID prefix.</returns>
    byte[] Sign(ReadOnlySpan<byte> message);
}
