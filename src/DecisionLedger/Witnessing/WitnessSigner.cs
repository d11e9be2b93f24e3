using System.Buffers.Binary;
using DecisionLedger.Checkpoints;
using DecisionLedger.Randomness;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DecisionLedger.Witnessing;

/// <summary>
/// A witness's Ed25519 key: makes <c>cosignature/v1</c> signature lines (c2sp.org/tlog-cosignature)
/// and reads or writes the secret key string <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x04 ‖ 32-byte seed)</c>.
/// </summary>
/// <remarks>
/// The key string mirrors the signed-note signer key with the cosignature type byte 0x04, so a
/// witness key can never be mistaken for (or loaded as) a ledger's checkpoint key. Instances are
/// immutable and thread-safe; <see cref="ToString"/> never reveals the private key.
/// </remarks>
public sealed class WitnessSigner
{
    private const string PrivateKeyPrefix = "PRIVATE+KEY+";

    private readonly Ed25519PrivateKeyParameters _privateKey;

    private WitnessSigner(string name, ReadOnlySpan<byte> seed)
    {
        _privateKey = new Ed25519PrivateKeyParameters(seed);
        Name = name;
        Verifier = CosignatureVerifier.FromEd25519PublicKey(name, _privateKey.GeneratePublicKey().GetEncoded());
    }

    /// <summary>The witness's key name, written in its cosignature lines (a schema-less URL by convention).</summary>
    public string Name { get; }

    /// <summary>The verifier for this witness's public key.</summary>
    public CosignatureVerifier Verifier { get; }

    /// <summary>The verifier key string to publish: <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>.</summary>
    public string VerifierKey => Verifier.VerifierKey;

    /// <summary>The secret key string. Anyone holding it can cosign as this witness: store it with mode 0600.</summary>
    public string SignerKey
    {
        get
        {
            byte[] typedSeed = new byte[1 + NoteSyntax.Ed25519KeySize];
            typedSeed[0] = CosignatureMessage.SignatureType;
            _privateKey.Encode(typedSeed.AsSpan(1));
            return $"{PrivateKeyPrefix}{Name}+{NoteSyntax.FormatKeyId(Verifier.KeyId)}+{Convert.ToBase64String(typedSeed)}";
        }
    }

    /// <summary>Generates a fresh witness key.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace, e.g. <c>witness.example/w1</c>.</param>
    /// <param name="random">The seed source: <see cref="CryptographicRandomSource.Instance"/> in production.</param>
    /// <returns>The new signer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static WitnessSigner Generate(string name, IRandomSource random)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> seed = stackalloc byte[NoteSyntax.Ed25519KeySize];
        random.Fill(seed);
        try
        {
            return new WitnessSigner(name, seed);
        }
        finally
        {
            seed.Clear();
        }
    }

    /// <summary>Parses a witness secret key string.</summary>
    /// <param name="signerKey">The string <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x04 ‖ seed)</c>.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signerKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The prefix, field count, name, key ID, base64, type byte (must be 0x04), seed length or key ID
    /// check is wrong. Messages never include the key material.
    /// </exception>
    public static WitnessSigner Parse(string signerKey)
    {
        ArgumentNullException.ThrowIfNull(signerKey);
        if (!signerKey.StartsWith(PrivateKeyPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"A witness key starts with '{PrivateKeyPrefix}'; this one does not.");
        }

        string[] fields = signerKey[PrivateKeyPrefix.Length..].Trim().Split('+', 3);
        if (fields.Length != 3)
        {
            throw new FormatException(
                $"A witness key has five '+'-separated fields (PRIVATE+KEY+name+keyID+key); this one has {fields.Length + 2}.");
        }

        (string name, string keyIdText, string keyText) = (fields[0], fields[1], fields[2]);
        if (!NoteSyntax.IsValidKeyName(name, out string problem))
        {
            throw new FormatException($"The witness key name '{name}' is invalid: {problem}.");
        }

        if (!NoteSyntax.TryParseKeyId(keyIdText, out uint keyId))
        {
            throw new FormatException($"The key ID of witness key '{name}' must be exactly 8 hexadecimal digits.");
        }

        if (!NoteSyntax.TryDecodeBase64(keyText, out byte[] typedSeed) || typedSeed.Length == 0)
        {
            throw new FormatException($"The private key field of witness key '{name}' is not standard padded base64.");
        }

        try
        {
            if (typedSeed[0] != CosignatureMessage.SignatureType)
            {
                throw new FormatException(
                    $"The witness key '{name}' has signature type 0x{typedSeed[0]:x2}; a cosignature/v1 key has type 0x04 (is this a ledger's checkpoint key?).");
            }

            if (typedSeed.Length != 1 + NoteSyntax.Ed25519KeySize)
            {
                throw new FormatException(
                    $"The Ed25519 seed of witness key '{name}' is {typedSeed.Length - 1} bytes; it must be {NoteSyntax.Ed25519KeySize}.");
            }

            var signer = new WitnessSigner(name, typedSeed.AsSpan(1));
            if (signer.Verifier.KeyId != keyId)
            {
                throw new FormatException(
                    $"The key ID {NoteSyntax.FormatKeyId(keyId)} of witness key '{name}' does not match the ID computed from its name and public key ({NoteSyntax.FormatKeyId(signer.Verifier.KeyId)}).");
            }

            return signer;
        }
        finally
        {
            Array.Clear(typedSeed);
        }
    }

    /// <summary>Cosigns a checkpoint body and returns the signature line, ending in a newline.</summary>
    /// <param name="checkpointBody">The checkpoint note text (origin, size, root, extensions), ending in a newline.</param>
    /// <param name="time">The cosignature time; truncated to whole seconds; must be after the Unix epoch.</param>
    /// <returns>The line <c>— name base64(keyID ‖ timestamp ‖ signature)</c> followed by a newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="checkpointBody"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The body is empty or does not end in a newline.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is not after the Unix epoch (the spec forbids a zero timestamp from add-checkpoint).</exception>
    public string Cosign(string checkpointBody, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(checkpointBody);
        SignedNoteFormat.ValidateText(checkpointBody, nameof(checkpointBody));
        long seconds = time.ToUnixTimeSeconds();
        if (seconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "A cosignature's timestamp must be after the Unix epoch.");
        }

        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _privateKey);
        signer.BlockUpdate(CosignatureMessage.Build(checkpointBody, seconds));
        byte[] signature = signer.GenerateSignature();

        byte[] payload = new byte[4 + CosignatureMessage.TimestampedSignatureSize];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Verifier.KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), (ulong)seconds);
        signature.CopyTo(payload, 12);
        return $"{NoteSyntax.SignatureLinePrefix}{Name} {Convert.ToBase64String(payload)}\n";
    }

    /// <summary>The witness name and key ID; never the private key.</summary>
    public override string ToString() => $"{Name}+{NoteSyntax.FormatKeyId(Verifier.KeyId)}";
}
