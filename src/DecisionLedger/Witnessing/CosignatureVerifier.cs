using System.Buffers.Binary;
using DecisionLedger.Checkpoints;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DecisionLedger.Witnessing;

/// <summary>
/// Verifies Ed25519 <c>cosignature/v1</c> signature lines of one witness (c2sp.org/tlog-cosignature),
/// read from a verifier key string <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CosignatureVerifier
{
    private readonly Ed25519PublicKeyParameters _publicKey;

    private CosignatureVerifier(string name, uint keyId, Ed25519PublicKeyParameters publicKey, string verifierKey)
    {
        Name = name;
        KeyId = keyId;
        _publicKey = publicKey;
        VerifierKey = verifierKey;
    }

    /// <summary>The witness's key name, as it appears in its cosignature lines.</summary>
    public string Name { get; }

    /// <summary>The key ID: SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4], big-endian.</summary>
    public uint KeyId { get; }

    /// <summary>The verifier key string <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>; safe to publish.</summary>
    public string VerifierKey { get; }

    /// <summary>Parses a witness verifier key string such as <c>witness.example/w1+1c2c3d4e+BN3o…</c>.</summary>
    /// <param name="vkey">The verifier key string.</param>
    /// <returns>A verifier for that witness key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vkey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The string does not have three '+'-separated fields, the name is invalid, the key ID is not
    /// eight hex digits, the key is not base64, the signature type is not 0x04 (Ed25519 cosignature),
    /// the key is not a 32-byte Ed25519 point, or the key ID does not match the name and key.
    /// </exception>
    public static CosignatureVerifier Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        string[] fields = vkey.Split('+', 3);
        if (fields.Length != 3)
        {
            throw new FormatException(
                $"A witness verifier key has three '+'-separated fields (name+keyID+key); '{vkey}' has {fields.Length}.");
        }

        (string name, string keyIdText, string keyText) = (fields[0], fields[1], fields[2]);
        if (!NoteSyntax.IsValidKeyName(name, out string nameProblem))
        {
            throw new FormatException($"The witness verifier key name '{name}' is invalid: {nameProblem}.");
        }

        if (!NoteSyntax.TryParseKeyId(keyIdText, out uint keyId))
        {
            throw new FormatException($"The key ID '{keyIdText}' of witness key '{name}' must be exactly 8 hexadecimal digits.");
        }

        if (!NoteSyntax.TryDecodeBase64(keyText, out byte[] typedKey) || typedKey.Length == 0)
        {
            throw new FormatException($"The public key field of witness key '{name}' is not standard padded base64.");
        }

        if (typedKey[0] != CosignatureMessage.SignatureType)
        {
            string hint = typedKey[0] == NoteSyntax.AlgorithmEd25519
                ? " (0x01 is a log's checkpoint key, not a witness's cosignature key)"
                : string.Empty;
            throw new FormatException(
                $"The witness key '{name}' has signature type 0x{typedKey[0]:x2}{hint}; a cosignature/v1 key has type 0x04.");
        }

        if (typedKey.Length != 1 + NoteSyntax.Ed25519KeySize)
        {
            throw new FormatException(
                $"The Ed25519 public key of witness key '{name}' is {typedKey.Length - 1} bytes; it must be {NoteSyntax.Ed25519KeySize}.");
        }

        CosignatureVerifier verifier = Create(name, typedKey.AsSpan(1), message => new FormatException(message));
        if (verifier.KeyId != keyId)
        {
            throw new FormatException(
                $"The key ID {NoteSyntax.FormatKeyId(keyId)} of witness key '{name}' does not match the ID computed from its name, type 0x04 and public key ({NoteSyntax.FormatKeyId(verifier.KeyId)}).");
        }

        return verifier;
    }

    /// <summary>Creates a verifier from a witness name and a raw 32-byte Ed25519 public key.</summary>
    /// <param name="name">The witness's key name: non-empty, no '+', no whitespace.</param>
    /// <param name="publicKey">The 32-byte Ed25519 public key.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or the key is not a valid 32-byte Ed25519 public key.</exception>
    public static CosignatureVerifier FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        if (publicKey.Length != NoteSyntax.Ed25519KeySize)
        {
            throw new ArgumentException($"An Ed25519 public key is {NoteSyntax.Ed25519KeySize} bytes; got {publicKey.Length}.", nameof(publicKey));
        }

        return Create(name, publicKey, message => new ArgumentException(message, nameof(publicKey)));
    }

    /// <summary>
    /// Checks one signature line against this witness key over exactly <paramref name="checkpointBody"/>.
    /// </summary>
    /// <param name="checkpointBody">The checkpoint note text, including its final newline, without signature lines.</param>
    /// <param name="signature">A signature line whose name and key ID match this key.</param>
    /// <param name="timestamp">The cosignature's time when it verifies; otherwise the Unix epoch.</param>
    /// <returns><see langword="true"/> when the line is this witness's valid cosignature of the body.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public bool Verify(string checkpointBody, NoteSignature signature, out DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpointBody);
        ArgumentNullException.ThrowIfNull(signature);
        timestamp = DateTimeOffset.UnixEpoch;
        if (!Matches(signature) || signature.Signature.Length != CosignatureMessage.TimestampedSignatureSize)
        {
            return false;
        }

        ulong seconds = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);

        // The spec caps the timestamp at 2^63-1; DateTimeOffset caps it lower still (year 9999).
        if (seconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, _publicKey);
        verifier.BlockUpdate(CosignatureMessage.Build(checkpointBody, (long)seconds));
        if (!verifier.VerifySignature(signature.Signature[8..]))
        {
            return false;
        }

        timestamp = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return true;
    }

    /// <summary>Whether a signature line claims to be by this key (same name and key ID).</summary>
    /// <param name="signature">The signature line.</param>
    /// <returns><see langword="true"/> when name and key ID are equal.</returns>
    public bool Matches(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return signature.KeyId == KeyId && string.Equals(signature.Name, Name, StringComparison.Ordinal);
    }

    /// <summary>The verifier key string.</summary>
    public override string ToString() => VerifierKey;

    /// <summary>The raw 32-byte public key, for detecting the same key listed twice under different names.</summary>
    internal byte[] PublicKey => _publicKey.GetEncoded();

    private static CosignatureVerifier Create(string name, ReadOnlySpan<byte> publicKey, Func<string, Exception> invalid)
    {
        Ed25519PublicKeyParameters parameters;
        try
        {
            parameters = new Ed25519PublicKeyParameters(publicKey);
        }
        catch (ArgumentException)
        {
            throw invalid($"The public key of witness '{name}' is not a valid Ed25519 point.");
        }

        byte[] typedKey = new byte[1 + NoteSyntax.Ed25519KeySize];
        typedKey[0] = CosignatureMessage.SignatureType;
        publicKey.CopyTo(typedKey.AsSpan(1));
        uint keyId = NoteSyntax.ComputeKeyId(name, typedKey);
        return new CosignatureVerifier(name, keyId, parameters, $"{name}+{NoteSyntax.FormatKeyId(keyId)}+{Convert.ToBase64String(typedKey)}");
    }
}
