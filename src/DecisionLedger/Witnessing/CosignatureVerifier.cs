using System.Buffers.Binary;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Witnessing;

/// <summary>
/// Verifies Ed25519 <c>cosignature/v1</c> signature lines of one witness (c2sp.org/tlog-cosignature),
/// read from a verifier key string <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class CosignatureVerifier
{
    /// <summary>The witness verifier key <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>, with its own wording.</summary>
    private static readonly NoteKeyKind Kind = new(CosignatureMessage.SignatureType, "witness verifier key", "witness key", isSecret: false)
    {
        WrongTypeMessage = (name, type) =>
        {
            string hint = type == NoteSyntax.AlgorithmEd25519
                ? " (0x01 is a log's checkpoint key, not a witness's cosignature key)"
                : string.Empty;
            return $"The witness key '{name}' has signature type 0x{type:x2}{hint}; a cosignature/v1 key has type 0x04.";
        },
        KeyIdMismatchMessage = (claimed, name, computed) =>
            $"The key ID {NoteSyntax.FormatKeyId(claimed)} of witness key '{name}' does not match the ID computed from its name, type 0x04 and public key ({NoteSyntax.FormatKeyId(computed)}).",
        InvalidPointMessage = name => $"The public key of witness '{name}' is not a valid Ed25519 point.",
    };

    private readonly Ed25519NoteKey _key;

    /// <summary>Wraps a key already read or derived, such as the public half of a signer's key.</summary>
    internal CosignatureVerifier(Ed25519NoteKey key)
    {
        _key = key;
    }

    /// <summary>The witness's key name, as it appears in its cosignature lines.</summary>
    public string Name => _key.Name;

    /// <summary>The key ID: SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4], big-endian.</summary>
    public uint KeyId => _key.KeyId;

    /// <summary>The verifier key string <c>name+hex8(keyID)+base64(0x04 ‖ public key)</c>; safe to publish.</summary>
    public string VerifierKey => _key.VerifierKey;

    /// <summary>Parses a witness verifier key string such as <c>witness.example/w1+1c2c3d4e+BN3o…</c>.</summary>
    /// <param name="vkey">The verifier key string.</param>
    /// <returns>A verifier for that witness key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vkey"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The string does not have three '+'-separated fields, the name is invalid, the key ID is not
    /// eight hex digits, the key is not base64, the signature type is not 0x04 (Ed25519 cosignature),
    /// the key is not a 32-byte Ed25519 point, or the key ID does not match the name and key.
    /// </exception>
    public static CosignatureVerifier Parse(string vkey) => new(Ed25519NoteKey.Parse(vkey, Kind));

    /// <summary>Creates a verifier from a witness name and a raw 32-byte Ed25519 public key.</summary>
    /// <param name="name">The witness's key name: non-empty, no '+', no whitespace.</param>
    /// <param name="publicKey">The 32-byte Ed25519 public key.</param>
    /// <returns>The verifier.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or the key is not a valid 32-byte Ed25519 public key.</exception>
    public static CosignatureVerifier FromEd25519PublicKey(string name, ReadOnlySpan<byte> publicKey) =>
        new(Ed25519NoteKey.FromEd25519PublicKey(name, publicKey, Kind));

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

        if (!_key.Verify(CosignatureMessage.Build(checkpointBody, (long)seconds), signature.Signature.AsSpan(8)))
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
    internal byte[] PublicKey => _key.PublicKey;
}
