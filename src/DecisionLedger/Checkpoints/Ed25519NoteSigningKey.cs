using DecisionLedger.Randomness;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// A named Ed25519 private key of one <see cref="NoteKeyKind"/> held in memory, read from or
/// written as the secret key string <c>PRIVATE+KEY+name+hex8(keyID)+base64(type ‖ 32-byte seed)</c>:
/// the part the ledger's <see cref="Ed25519NoteSigner"/> and a witness's signer share.
/// </summary>
/// <remarks>
/// Ed25519 signing is deterministic (RFC 8032). Instances are immutable and thread-safe; nothing
/// here ever puts the seed in a message.
/// </remarks>
internal sealed class Ed25519NoteSigningKey
{
    private readonly Ed25519PrivateKeyParameters _privateKey;
    private readonly NoteKeyKind _kind;

    private Ed25519NoteSigningKey(string name, ReadOnlySpan<byte> seed, NoteKeyKind kind)
    {
        _privateKey = new Ed25519PrivateKeyParameters(seed);
        _kind = kind;
        PublicKey = Ed25519NoteKey.FromEd25519PublicKey(name, _privateKey.GeneratePublicKey().GetEncoded(), kind);
    }

    /// <summary>The key name.</summary>
    public string Name => PublicKey.Name;

    /// <summary>The public half, with the key ID and verifier key string.</summary>
    public Ed25519NoteKey PublicKey { get; }

    /// <summary>The secret key string <c>PRIVATE+KEY+name+hex8(keyID)+base64(type ‖ seed)</c>.</summary>
    public string SignerKey
    {
        get
        {
            byte[] typedSeed = new byte[1 + NoteSyntax.Ed25519KeySize];
            typedSeed[0] = _kind.TypeByte;
            _privateKey.Encode(typedSeed.AsSpan(1));
            return $"{NoteKeyString.PrivateKeyPrefix}{Name}+{NoteSyntax.FormatKeyId(PublicKey.KeyId)}+{Convert.ToBase64String(typedSeed)}";
        }
    }

    /// <summary>Generates a fresh key for the key name <paramref name="name"/>.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace.</param>
    /// <param name="random">The source of the 32-byte seed.</param>
    /// <param name="kind">The secret key kind: its type byte, also that of the public key, and its wording.</param>
    /// <returns>The new key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="random"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static Ed25519NoteSigningKey Generate(string name, IRandomSource random, NoteKeyKind kind)
    {
        NoteSyntax.ThrowIfInvalidKeyName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(random);

        Span<byte> seed = stackalloc byte[NoteSyntax.Ed25519KeySize];
        random.Fill(seed);
        try
        {
            return new Ed25519NoteSigningKey(name, seed, kind);
        }
        finally
        {
            seed.Clear();
        }
    }

    /// <summary>Parses a secret key string of <paramref name="kind"/>.</summary>
    /// <param name="signerKey">The secret key string.</param>
    /// <param name="kind">The secret key kind: its type byte, also that of the public key, and its wording.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signerKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The prefix, field count, name, key ID syntax, base64, type byte or seed length is wrong, or the
    /// key ID does not match the public key derived from the seed. Messages never include the key.
    /// </exception>
    public static Ed25519NoteSigningKey Parse(string signerKey, NoteKeyKind kind)
    {
        ArgumentNullException.ThrowIfNull(signerKey);
        (string name, uint keyId, byte[] typedSeed) = NoteKeyString.Read(signerKey, kind);
        try
        {
            var key = new Ed25519NoteSigningKey(name, typedSeed.AsSpan(1), kind);

            // The string carries the ID of the public key, which only the derived key can
            // confirm; a mismatch means a corrupted or hand-edited key file.
            if (key.PublicKey.KeyId != keyId)
            {
                throw new FormatException(kind.KeyIdMismatchMessage(keyId, name, key.PublicKey.KeyId));
            }

            return key;
        }
        finally
        {
            Array.Clear(typedSeed);
        }
    }

    /// <summary>Signs <paramref name="message"/>.</summary>
    /// <param name="message">The bytes to sign.</param>
    /// <returns>The 64-byte Ed25519 signature.</returns>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        // Ed25519Signer buffers the message, so it is created per call to keep this type thread-safe.
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _privateKey);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }
}
