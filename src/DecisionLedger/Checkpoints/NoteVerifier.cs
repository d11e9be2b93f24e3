namespace DecisionLedger.Checkpoints;

/// <summary>
/// Verifies signed-note signatures made by one Ed25519 key (c2sp.org/signed-note), as read
/// from a verifier key string <c>name+hex8(keyID)+base64(0x01 ‖ public key)</c>.
/// </summary>
/// <remarks>
/// Verification uses BouncyCastle's managed Ed25519 so an auditor's offline verifier runs on
/// any platform without a native crypto library. Instances are immutable and thread-safe.
/// </remarks>
public sealed class NoteVerifier
{
    private readonly Ed25519NoteKey _key;

    /// <summary>Wraps a key already read or derived, such as the public half of a signer's key.</summary>
    internal NoteVerifier(Ed25519NoteKey key)
    {
        _key = key;
    }

    /// <summary>The key name, as it appears in signature lines (for a ledger, its origin).</summary>
    public string Name => _key.Name;

    /// <summary>The 32-bit key ID that, with <see cref="Name"/>, identifies the key in signature lines.</summary>
    public uint KeyId => _key.KeyId;

    /// <summary>The verifier key string <c>name+hex8(keyID)+base64(0x01 ‖ public key)</c>; safe to publish.</summary>
    public string VerifierKey => _key.VerifierKey;


    /// <summary>Parses a verifier key string such as <c>PeterNeumann+c74f20a3+ARpc2Qc…</c>.</summary>
    /// <param name="vkey">The verifier key string.</param>
    /// <returns>A verifier for that key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vkey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The string does not have three '+'-separated fields, the name is invalid, the key ID is
    /// not eight hex digits, the key is not base64, the algorithm byte is not 0x01 (Ed25519),
    /// the public key is not 32 bytes or not a valid Ed25519 point, or the key ID does not
    /// match the one computed from the name and key.
    /// </exception>
    public static NoteVerifier Parse(string vkey) => new(Ed25519NoteKey.Parse(vkey, NoteKeyKind.LogVerifierKey));


    /// <summary>Creates a verifier from a key name and a raw 32-byte Ed25519 public key.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace.</param>
    /// <param name="publicKey">The 32-byte Ed25519 public key (RFC 8032 encoding).</param>
    /// <returns>A verifier whose key ID is computed from the name and key.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or the key is not a valid 32-byte Ed25519 public key.</exception>
    public static NoteVerifier FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey) =>
        new(Ed25519NoteKey.FromEd25519PublicKey(name, publicKey, NoteKeyKind.LogVerifierKey));


    /// <summary>Reports whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by this key.</summary>
    /// <param name="message">The signed bytes (for a note, the UTF-8 text including its final newline).</param>
    /// <param name="signature">The 64-byte signature, without the 4-byte key ID prefix.</param>
    /// <returns><see langword="true"/> when the signature verifies; <see langword="false"/> otherwise, including for a wrong length.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => _key.Verify(message, signature);

    /// <summary>The verifier key string.</summary>
    public override string ToString() => VerifierKey;
}
