using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// A named Ed25519 public key of one <see cref="NoteKeyKind"/>, with its key ID and verifier key
/// string: the part the ledger's <see cref="NoteVerifier"/> and a witness's cosignature verifier
/// share, differing only in the type byte hashed into the ID.
/// </summary>
/// <remarks>
/// Verification uses BouncyCastle's managed Ed25519 so an auditor's offline verifier runs on
/// any platform without a native crypto library. Instances are immutable and thread-safe.
/// </remarks>
internal sealed class Ed25519NoteKey
{
    private readonly Ed25519PublicKeyParameters _publicKey;

    private Ed25519NoteKey(string name, uint keyId, Ed25519PublicKeyParameters publicKey, string verifierKey)
    {
        Name = name;
        KeyId = keyId;
        _publicKey = publicKey;
        VerifierKey = verifierKey;
    }

    /// <summary>The key name, as it appears in signature lines.</summary>
    public string Name { get; }

    /// <summary>The key ID: SHA-256(name ‖ "\n" ‖ type ‖ public key)[:4], big-endian.</summary>
    public uint KeyId { get; }

    /// <summary>The verifier key string <c>name+hex8(keyID)+base64(type ‖ public key)</c>.</summary>
    public string VerifierKey { get; }

    /// <summary>The raw 32-byte public key.</summary>
    public byte[] PublicKey => _publicKey.GetEncoded();

    /// <summary>Parses a verifier key string of <paramref name="kind"/>.</summary>
    /// <param name="vkey">The verifier key string.</param>
    /// <param name="kind">The kind of key expected.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vkey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A field is wrong, the key is not a valid point, or the key ID does not match.</exception>
    public static Ed25519NoteKey Parse(string vkey, NoteKeyKind kind)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        (string name, uint keyId, byte[] typedKey) = NoteKeyString.Read(vkey, kind);

        // Checked before the point so that the message names the most specific problem; the
        // ID is what a typo or a swapped key most often breaks.
        uint computed = NoteSyntax.ComputeKeyId(name, typedKey);
        if (computed != keyId)
        {
            throw new FormatException(kind.KeyIdMismatchMessage(keyId, name, computed));
        }

        return Create(name, typedKey.AsSpan(1), kind, message => new FormatException(message));
    }

    /// <summary>Creates a key of <paramref name="kind"/> from a name and a raw 32-byte Ed25519 public key.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace.</param>
    /// <param name="publicKey">The 32-byte Ed25519 public key (RFC 8032 encoding).</param>
    /// <param name="kind">The kind of key, whose type byte goes into the key ID.</param>
    /// <returns>The key, with its ID computed from the name, type and key.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or the key is not a valid 32-byte Ed25519 public key.</exception>
    public static Ed25519NoteKey FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey, NoteKeyKind kind)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        if (publicKey.Length != NoteSyntax.Ed25519KeySize)
        {
            throw new ArgumentException(
                $"An Ed25519 public key is {NoteSyntax.Ed25519KeySize} bytes; got {publicKey.Length}.", nameof(publicKey));
        }

        return Create(name, publicKey, kind, message => new ArgumentException(message, nameof(publicKey)));
    }

    /// <summary>Reports whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by this key.</summary>
    /// <param name="message">The signed bytes.</param>
    /// <param name="signature">The 64-byte signature.</param>
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

    private static Ed25519NoteKey Create(string name, ReadOnlySpan<byte> publicKey, NoteKeyKind kind, Func<string, Exception> invalid)
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
            throw invalid(kind.InvalidPointMessage(name));
        }

        byte[] typedKey = new byte[1 + NoteSyntax.Ed25519KeySize];
        typedKey[0] = kind.TypeByte;
        publicKey.CopyTo(typedKey.AsSpan(1));
        uint keyId = NoteSyntax.ComputeKeyId(name, typedKey);
        return new Ed25519NoteKey(name, keyId, parameters, $"{name}+{NoteSyntax.FormatKeyId(keyId)}+{Convert.ToBase64String(typedKey)}");
    }
}
