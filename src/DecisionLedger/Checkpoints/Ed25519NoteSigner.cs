using DecisionLedger.Randomness;

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
    private readonly Ed25519NoteSigningKey _key;

    private Ed25519NoteSigner(Ed25519NoteSigningKey key)
    {
        _key = key;
        Verifier = new NoteVerifier(key.PublicKey);
    }

    /// <inheritdoc />
    public string Name => _key.Name;

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
    public string SignerKey => _key.SignerKey;

    /// <summary>Generates a fresh key pair for the key name <paramref name="name"/>.</summary>
    /// <param name="name">The key name: non-empty, no '+', no whitespace; by convention the ledger's origin.</param>
    /// <param name="random">
    /// The source of the 32-byte seed: <see cref="CryptographicRandomSource.Instance"/> in production,
    /// a <see cref="SeededRandomSource"/> only in tests.
    /// </param>
    /// <returns>The new signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="random"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static Ed25519NoteSigner Generate(string name, IRandomSource random) =>
        new(Ed25519NoteSigningKey.Generate(name, random, NoteKeyKind.LogSignerKey));

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
    public static Ed25519NoteSigner Parse(string signerKey) => new(Ed25519NoteSigningKey.Parse(signerKey, NoteKeyKind.LogSignerKey));

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> message) => _key.Sign(message);

    /// <summary>The key name and ID; never the private key.</summary>
    public override string ToString() => $"{Name}+{NoteSyntax.FormatKeyId(KeyId)} (Ed25519 signer)";
}
