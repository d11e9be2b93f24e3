using System.Security.Cryptography;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Hashing;

/// <summary>
/// Fingerprints original inputs with <c>HMAC-SHA256(ledgerFingerprintKey, JCS(input))</c> to
/// answer "what did the model say for this exact input before?". Keyed so that redacted or
/// erased low-entropy values cannot be brute-forced from the fingerprint.
/// </summary>
public sealed class InputFingerprinter
{
    /// <summary>The minimum key length in bytes (32, the HMAC-SHA256 block-strength key).</summary>
    public const int MinimumKeySize = 32;

    private readonly byte[] _key;

    /// <summary>Creates a fingerprinter with the ledger's fingerprint key.</summary>
    /// <param name="key">The secret key, at least <see cref="MinimumKeySize"/> bytes; copied, so later changes to the array do not affect it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is shorter than <see cref="MinimumKeySize"/> bytes.</exception>
    public InputFingerprinter(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeySize)
        {
            throw new ArgumentException(
                $"The fingerprint key is {key.Length} bytes; it must be at least {MinimumKeySize} random bytes so fingerprints of low-entropy inputs cannot be brute-forced. Generate it with a CSPRNG.",
                nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>Computes the fingerprint of <paramref name="originalInput"/>; member order and whitespace do not matter.</summary>
    /// <param name="originalInput">The input as received, before redaction.</param>
    /// <returns>The HMAC-SHA256 of the input's canonical bytes.</returns>
    /// <exception cref="ArgumentException">The input cannot be canonicalized (see <see cref="JsonCanonicalizer.Write"/>).</exception>
    public Sha256Hash Fingerprint(JsonElement originalInput)
    {
        using PooledBufferWriter buffer = PooledBufferWriter.Rent();
        JsonCanonicalizer.Write(originalInput, buffer);
        Span<byte> mac = stackalloc byte[Sha256Hash.Size];
        HMACSHA256.HashData(_key, buffer.WrittenSpan, mac);
        return Sha256Hash.FromBytes(mac);
    }

    /// <summary>Computes the fingerprint from input bytes that are already RFC 8785 canonical.</summary>
    /// <param name="canonicalInput">The JCS bytes of the original input.</param>
    /// <returns>The HMAC-SHA256 of those bytes.</returns>
    public Sha256Hash Fingerprint(ReadOnlySpan<byte> canonicalInput)
    {
        Span<byte> mac = stackalloc byte[Sha256Hash.Size];
        HMACSHA256.HashData(_key, canonicalInput, mac);
        return Sha256Hash.FromBytes(mac);
    }

    /// <summary>
    /// Creates an HMAC object keyed once, for a single thread that fingerprints many inputs
    /// (the recorder's batcher): keying per call costs as much as hashing the input.
    /// </summary>
    internal IncrementalHash CreateHmac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
}
