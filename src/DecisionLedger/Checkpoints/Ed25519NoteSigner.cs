using DecisionLedger.Randomness;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// Signs notes with an Ed25519 private key held in memory, read from or written as the
/// signer key string <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x01 ‖ 32-byte seed)</c> that
/// Go's <c>sumdb/note.NewSigner</c> reads.
/// </summary>
/// <remarks>
/// Ed25519 signing is deterministic (RFC 8032), so the same key and text always give the same
/// signature line. Instances are immutable and thread-safe. <see cref="ToString"/> never
/// reveals the private key.
/// </remarks>
public sealed class Ed25519NoteSigner : ICheckpointSigner
{
    private const string PrivateKeyPrefix = "PRIVATE+KEY+";

    private readonly Ed25519PrivateKeyParameters _privateKey;

    private Ed25519NoteSigner(string name, ReadOnlySpan<byte> seed)
    {
        _privateKey = new Ed25519PrivateKeyParameters(seed);
        Name = name;
        Verifier = NoteVerifier.FromEd25519PublicKey(name, _privateKey.GeneratePublicKey().GetEncoded());
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public uint KeyId => Verifier.KeyId;

    /// <inheritdoc />
    public NoteVerifier Verifier { get; }

    /// <summary>The verifier key string to publish to auditors: <c>name+hex8(keyID)+base64(0x01 ‖ public key)</c>.</summary>
    public string VerifierKey => Verifier.VerifierKey;

    /// <summary>
    /// The secret signer key string <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x01 ‖ seed)</c>.
    /// Anyone holding it can sign checkpoints for this ledger: store it with mode 0600 and never log it.
    /// </summary>
    public string SignerKey
    {
        get
        {
            byte[] typedSeed = new byte[1 + NoteSyntax.Ed25519KeySize];
            typedSeed[0] = NoteSyntax.AlgorithmEd25519;
            _privateKey.Encode(typedSeed.AsSpan(1));
            return $"{PrivateKeyPrefix}{Name}+{NoteSyntax.FormatKeyId(KeyId)}+{Convert.ToBase64String(typedSeed)}";
        }
    }

    /// <summary>Generates a fresh key pair for the key name <paramref name="name"/>.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace; by convention the ledger's origin.</param>
    /// <param name="random">
    /// The source of the 32-byte seed: <see cref="CryptographicRandomSource.Instance"/> in production,
    /// a <see cref="SeededRandomSource"/> only in tests.
    /// </param>
    /// <returns>The new signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="random"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static Ed25519NoteSigner Generate(string name, IRandomSource random)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(random);

        Span<byte> seed = stackalloc byte[NoteSyntax.Ed25519KeySize];
        random.Fill(seed);
        try
        {
            return new Ed25519NoteSigner(name, seed);
        }
        finally
        {
            seed.Clear();
        }
    }

    /// <summary>Parses a signer key string such as <c>PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFAL…</c>.</summary>
    /// <param name="signerKey">The secret signer key string.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signerKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The string does not start with <c>PRIVATE+KEY+</c>, does not have the name, key ID and
    /// key fields, has an invalid name, a key ID that is not eight hex digits, a key that is not
    /// base64, an algorithm other than 0x01 (Ed25519), a seed that is not 32 bytes, or a key ID
    /// that does not match the public key derived from the seed. Messages never include the key.
    /// </exception>
    public static Ed25519NoteSigner Parse(string signerKey)
    {
        ArgumentNullException.ThrowIfNull(signerKey);

        // Error messages below deliberately quote only the name and key ID: the string is a
        // secret and exception messages end up in logs.
        if (!signerKey.StartsWith(PrivateKeyPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"A signer key starts with '{PrivateKeyPrefix}'; this one does not.");
        }

        string[] fields = signerKey[PrivateKeyPrefix.Length..].Split('+', 3);
        if (fields.Length != 3)
        {
            throw new FormatException(
                $"A signer key has five '+'-separated fields (PRIVATE+KEY+name+keyID+key); this one has {fields.Length + 2}.");
        }

        (string name, string keyIdText, string keyText) = (fields[0], fields[1], fields[2]);
        if (!NoteSyntax.IsValidKeyName(name, out string nameProblem))
        {
            throw new FormatException($"The signer key name '{name}' is invalid: {nameProblem}.");
        }

        if (!NoteSyntax.TryParseKeyId(keyIdText, out uint keyId))
        {
            throw new FormatException($"The key ID of signer key '{name}' must be exactly 8 hexadecimal digits.");
        }

        if (!NoteSyntax.TryDecodeBase64(keyText, out byte[] typedSeed) || typedSeed.Length == 0)
        {
            throw new FormatException($"The private key field of signer key '{name}' is not standard padded base64.");
        }

        try
        {
            if (typedSeed[0] != NoteSyntax.AlgorithmEd25519)
            {
                throw new FormatException(
                    $"The signer key '{name}' uses signature algorithm 0x{typedSeed[0]:x2}; only 0x01 (Ed25519) is supported.");
            }

            if (typedSeed.Length != 1 + NoteSyntax.Ed25519KeySize)
            {
                throw new FormatException(
                    $"The Ed25519 seed of signer key '{name}' is {typedSeed.Length - 1} bytes; it must be {NoteSyntax.Ed25519KeySize}.");
            }

            var signer = new Ed25519NoteSigner(name, typedSeed.AsSpan(1));

            // The string carries the ID of the public key, which only the derived key can
            // confirm; a mismatch means a corrupted or hand-edited key file.
            if (signer.KeyId != keyId)
            {
                throw new FormatException(
                    $"The key ID {NoteSyntax.FormatKeyId(keyId)} of signer key '{name}' does not match the ID computed from its name and public key ({NoteSyntax.FormatKeyId(signer.KeyId)}).");
            }

            return signer;
        }
        finally
        {
            Array.Clear(typedSeed);
        }
    }

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        // Ed25519Signer buffers the message, so it is created per call to keep this type thread-safe.
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _privateKey);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>The key name and ID; never the private key.</summary>
    public override string ToString() => $"{Name}+{NoteSyntax.FormatKeyId(KeyId)} (Ed25519 signer)";
}
