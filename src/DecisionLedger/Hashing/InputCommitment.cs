using System.Security.Cryptography;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Randomness;

namespace DecisionLedger.Hashing;

/// <summary>
/// The commitment a ledger entry makes to its input: <c>SHA-256(salt ‖ JCS(storedInput))</c>
/// with a random salt kept beside the stored input. Erasing the input and salt leaves the
/// digest (and so every leaf) verifiable while the input becomes unrecoverable.
/// </summary>
/// <param name="Salt">The <see cref="SaltSize"/>-byte random salt.</param>
/// <param name="Digest">The digest written to the entry as <c>inputDigest</c>.</param>
internal sealed record InputCommitment(byte[] Salt, Sha256Hash Digest)
{
    /// <summary>The salt length in bytes (16).</summary>
    public const int SaltSize = 16;

    /// <summary>Commits to <paramref name="storedInput"/> with a fresh salt from <paramref name="random"/>.</summary>
    /// <param name="storedInput">The input as stored (after redaction).</param>
    /// <param name="random">The salt source; <see cref="CryptographicRandomSource"/> in production.</param>
    /// <returns>The salt and digest.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException">The input cannot be canonicalized (see <see cref="JsonCanonicalizer.Write"/>).</exception>
    public static InputCommitment Create(JsonElement storedInput, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        byte[] salt = new byte[SaltSize];
        random.Fill(salt);
        return new InputCommitment(salt, ComputeDigest(salt, storedInput));
    }

    /// <summary>Computes <c>SHA-256(salt ‖ JCS(storedInput))</c>.</summary>
    /// <param name="salt">The salt, <see cref="SaltSize"/> bytes.</param>
    /// <param name="storedInput">The input as stored.</param>
    /// <returns>The input digest.</returns>
    /// <exception cref="ArgumentException">The salt is not <see cref="SaltSize"/> bytes, or the input cannot be canonicalized.</exception>
    public static Sha256Hash ComputeDigest(ReadOnlySpan<byte> salt, JsonElement storedInput)
    {
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"The input salt must be {SaltSize} bytes; got {salt.Length}. Use the salt stored beside the input.", nameof(salt));
        }

        using PooledBufferWriter buffer = PooledBufferWriter.Rent();
        salt.CopyTo(buffer.GetSpan(SaltSize));
        buffer.Advance(SaltSize);
        JsonCanonicalizer.Write(storedInput, buffer);
        return Sha256Hash.Compute(buffer.WrittenSpan);
    }

    /// <summary>
    /// Computes <c>SHA-256(salt ‖ canonicalInput)</c> from input bytes that are already RFC 8785
    /// canonical, so a pipeline that canonicalized the input once does not do it again.
    /// </summary>
    /// <param name="salt">The 16-byte salt.</param>
    /// <param name="canonicalInput">The JCS bytes of the stored input.</param>
    /// <returns>The input digest.</returns>
    /// <exception cref="ArgumentException">The salt is not <see cref="SaltSize"/> bytes.</exception>
    public static Sha256Hash ComputeDigest(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> canonicalInput)
    {
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"The input salt must be {SaltSize} bytes; got {salt.Length}. Use the salt stored beside the input.", nameof(salt));
        }

        return ThreadSha256.Hash(salt, canonicalInput);
    }

    /// <summary>Whether <paramref name="storedInput"/> with <paramref name="salt"/> yields <paramref name="expectedDigest"/>, as a verifier checks an entry's <c>inputDigest</c>.</summary>
    /// <param name="salt">The stored salt.</param>
    /// <param name="storedInput">The stored input.</param>
    /// <param name="expectedDigest">The entry's <c>inputDigest</c>.</param>
    /// <returns><see langword="true"/> when the digest matches.</returns>
    /// <exception cref="ArgumentException">The salt is not <see cref="SaltSize"/> bytes, or the input cannot be canonicalized.</exception>
    public static bool Matches(ReadOnlySpan<byte> salt, JsonElement storedInput, Sha256Hash expectedDigest)
    {
        Span<byte> expected = stackalloc byte[Sha256Hash.Size];
        Span<byte> actual = stackalloc byte[Sha256Hash.Size];
        expectedDigest.CopyTo(expected);
        ComputeDigest(salt, storedInput).CopyTo(actual);

        // Constant time so a verifier service does not leak how much of a digest matched.
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Whether <paramref name="storedInput"/> is the input this commitment was made to.</summary>
    /// <param name="storedInput">The stored input.</param>
    /// <returns><see langword="true"/> when the digest matches.</returns>
    /// <exception cref="ArgumentException">The input cannot be canonicalized.</exception>
    public bool Matches(JsonElement storedInput) => Matches(Salt, storedInput, Digest);
}
