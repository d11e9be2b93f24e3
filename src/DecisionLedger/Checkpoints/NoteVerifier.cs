using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

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
    private readonly Ed25519PublicKeyParameters _publicKey;

    private NoteVerifier(string name, uint keyId, Ed25519PublicKeyParameters publicKey, string verifierKey)
    {
        Name = name;
        KeyId = keyId;
        _publicKey = publicKey;
        VerifierKey = verifierKey;
    }

    /// <summary>The key name, as it appears in signature lines (for a ledger, its origin).</summary>
    public string Name { get; }

    /// <summary>The 32-bit key ID that, with <see cref="Name"/>, identifies the key in signature lines.</summary>
    public uint KeyId { get; }

    /// <summary>The verifier key string <c>name+hex8(keyID)+base64(0x01 ‖ public key)</c>; safe to publish.</summary>
    public string VerifierKey { get; }

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
    public static NoteVerifier Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);

        // The name cannot contain '+', but the base64 key can, so split at most twice.
        string[] fields = vkey.Split('+', 3);
        if (fields.Length != 3)
        {
            throw new FormatException(
                $"A verifier key has three '+'-separated fields (name+keyID+key); '{vkey}' has {fields.Length}.");
        }

        (string name, string keyIdText, string keyText) = (fields[0], fields[1], fields[2]);
        if (!NoteSyntax.IsValidKeyName(name, out string nameProblem))
        {
            throw new FormatException($"The verifier key name '{name}' is invalid: {nameProblem}.");
        }

        if (!NoteSyntax.TryParseKeyId(keyIdText, out uint keyId))
        {
            throw new FormatException(
                $"The verifier key ID '{keyIdText}' of key '{name}' must be exactly 8 hexadecimal digits.");
        }

        if (!NoteSyntax.TryDecodeBase64(keyText, out byte[] typedKey) || typedKey.Length == 0)
        {
            throw new FormatException($"The public key field of verifier key '{name}' is not standard padded base64.");
        }

        if (typedKey[0] != NoteSyntax.AlgorithmEd25519)
        {
            throw new FormatException(
                $"The verifier key '{name}' uses signature algorithm 0x{typedKey[0]:x2}; only 0x01 (Ed25519) is supported.");
        }

        if (typedKey.Length != 1 + NoteSyntax.Ed25519KeySize)
        {
            throw new FormatException(
                $"The Ed25519 public key of verifier key '{name}' is {typedKey.Length - 1} bytes; it must be {NoteSyntax.Ed25519KeySize}.");
        }

        // Checked after the algorithm so that the message names the most specific problem; the
        // ID is what a typo or a swapped key most often breaks.
        uint computed = NoteSyntax.ComputeKeyId(name, typedKey);
        if (computed != keyId)
        {
            throw new FormatException(
                $"The verifier key ID {NoteSyntax.FormatKeyId(keyId)} of key '{name}' does not match the ID computed from its name and public key ({NoteSyntax.FormatKeyId(computed)}).");
        }

        return FromEd25519PublicKey(name, typedKey.AsSpan(1), message => new FormatException(message));
    }

    /// <summary>Creates a verifier from a key name and a raw 32-byte Ed25519 public key.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace.</param>
    /// <param name="publicKey">The 32-byte Ed25519 public key (RFC 8032 encoding).</param>
    /// <returns>A verifier whose key ID is computed from the name and key.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or the key is not a valid 32-byte Ed25519 public key.</exception>
    public static NoteVerifier FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        if (publicKey.Length != NoteSyntax.Ed25519KeySize)
        {
            throw new ArgumentException(
                $"An Ed25519 public key is {NoteSyntax.Ed25519KeySize} bytes; got {publicKey.Length}.", nameof(publicKey));
        }

        return FromEd25519PublicKey(name, publicKey, message => new ArgumentException(message, nameof(publicKey)));
    }

    /// <summary>Reports whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by this key.</summary>
    /// <param name="message">The signed bytes (for a note, the UTF-8 text including its final newline).</param>
    /// <param name="signature">The 64-byte signature, without the 4-byte key ID prefix.</param>
    /// <returns><see langword="true"/> when the signature verifies; <see langword="false"/> otherwise, including for a wrong length.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != NoteSyntax.Ed25519SignatureSize)
        {
            return false;
        }

        // Ed25519Signer buffers the message, so it is created per call to keep this type thread-safe.
        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, _publicKey);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>The verifier key string.</summary>
    public override string ToString() => VerifierKey;

    private static NoteVerifier FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey, Func<string, Exception> invalid)
    {
        Ed25519PublicKeyParameters parameters;
        try
        {
            parameters = new Ed25519PublicKeyParameters(publicKey);
        }
        catch (ArgumentException)
        {
            // Go accepts such a key and then fails every verification; refusing it up front
            // turns a silent "nothing verifies" into a configuration error naming the key.
            throw invalid($"The public key of '{name}' is not a valid Ed25519 point.");
        }

        byte[] typedKey = new byte[1 + NoteSyntax.Ed25519KeySize];
        typedKey[0] = NoteSyntax.AlgorithmEd25519;
        publicKey.CopyTo(typedKey.AsSpan(1));
        uint keyId = NoteSyntax.ComputeKeyId(name, typedKey);
        string vkey = $"{name}+{NoteSyntax.FormatKeyId(keyId)}+{Convert.ToBase64String(typedKey)}";
        return new NoteVerifier(name, keyId, parameters, vkey);
    }
}
