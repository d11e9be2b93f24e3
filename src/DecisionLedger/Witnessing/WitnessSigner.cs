using System.Buffers.Binary;
using DecisionLedger.Checkpoints;
using DecisionLedger.Randomness;

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
    /// <summary>The witness secret key <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x04 ‖ seed)</c>, with its own wording.</summary>
    private static readonly NoteKeyKind Kind = new(CosignatureMessage.SignatureType, "witness key", "witness key", isSecret: true)
    {
        IgnoresSurroundingWhitespace = true,
        WrongTypeMessage = (name, type) =>
            $"The witness key '{name}' has signature type 0x{type:x2}; a cosignature/v1 key has type 0x04 (is this a ledger's checkpoint key?).",
    };

    private readonly Ed25519NoteSigningKey _key;

    private WitnessSigner(Ed25519NoteSigningKey key)
    {
        _key = key;
        Verifier = new CosignatureVerifier(key.PublicKey);
    }

    /// <summary>The witness's key name, written in its cosignature lines (a schema-less URL by convention).</summary>
    public string Name => _key.Name;

    /// <summary>The verifier for this witness's public key.</summary>
    public CosignatureVerifier Verifier { get; }

    /// <summary>The verifier key string to publish: <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>.</summary>
    public string VerifierKey => Verifier.VerifierKey;

    /// <summary>The secret key string. Anyone holding it can cosign as this witness: store it with mode 0600.</summary>
    public string SignerKey => _key.SignerKey;

    /// <summary>Generates a fresh witness key.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace, e.g. <c>witness.example/w1</c>.</param>
    /// <param name="random">The seed source: <see cref="CryptographicRandomSource.Instance"/> in production.</param>
    /// <returns>The new signer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static WitnessSigner Generate(string name, IRandomSource random) => new(Ed25519NoteSigningKey.Generate(name, random, Kind));

    /// <summary>Parses a witness secret key string.</summary>
    /// <param name="signerKey">The string <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x04 ‖ seed)</c>.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signerKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The prefix, field count, name, key ID, base64, type byte (must be 0x04), seed length or key ID
    /// check is wrong. Messages never include the key material.
    /// </exception>
    public static WitnessSigner Parse(string signerKey) => new(Ed25519NoteSigningKey.Parse(signerKey, Kind));

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

        byte[] signature = _key.Sign(CosignatureMessage.Build(checkpointBody, seconds));

        byte[] payload = new byte[4 + CosignatureMessage.TimestampedSignatureSize];
        BinaryPrimitives.WriteUInt32BigEndian(payload, Verifier.KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), (ulong)seconds);
        signature.CopyTo(payload, 12);
        return $"{NoteSyntax.SignatureLinePrefix}{Name} {Convert.ToBase64String(payload)}\n";
    }

    /// <summary>The witness name and key ID; never the private key.</summary>
    public override string ToString() => $"{Name}+{NoteSyntax.FormatKeyId(Verifier.KeyId)}";
}
