using System.Security.Cryptography;
using DecisionLedger.Randomness;

namespace DecisionLedger.Encryption;

/// <summary>
/// The 256-bit key that wraps (AES-GCM) every per-subject input key. It comes from configuration
/// or the environment variable <c>DLEDGER_MASTER_KEY</c> (base64 of 32 bytes) and is never stored
/// in the ledger.
/// </summary>
public sealed class MasterKey
{
    /// <summary>The environment variable holding the base64 master key.</summary>
    public const string EnvironmentVariable = "DLEDGER_MASTER_KEY";

    /// <summary>The size of the master key and of every subject key, in bytes.</summary>
    public const int KeySize = 32;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Binds a wrapped key to its subject, so a wrapped key copied to another subject's row does not open.
    private static readonly byte[] s_wrapContext = "dledger-subject-key-v1\n"u8.ToArray();

    private readonly byte[] _key;

    /// <summary>Creates a master key from 32 bytes.</summary>
    /// <param name="key">The key bytes; copied.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes.</exception>
    public MasterKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"{EnvironmentVariable}: the master key is {key.Length} bytes; it must be {KeySize} random bytes (base64, e.g. from 'openssl rand -base64 32').");
        }

        _key = key.ToArray();
    }

    /// <summary>Parses a base64 master key.</summary>
    /// <param name="base64">Base64 of 32 bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The text is not base64 of 32 bytes; the message says how to make one.</exception>
    public static MasterKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException exception)
        {
            throw new ArgumentException($"{EnvironmentVariable}: not valid base64 ({exception.Message}); it must be base64 of {KeySize} random bytes, e.g. from 'openssl rand -base64 32'.", exception);
        }

        return new MasterKey(bytes);
    }

    /// <summary>Reads <c>DLEDGER_MASTER_KEY</c>; returns null when it is not set.</summary>
    /// <returns>The key, or null.</returns>
    /// <exception cref="ArgumentException">The variable is set but is not base64 of 32 bytes.</exception>
    public static MasterKey? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : FromBase64(value);
    }

    /// <summary>Wraps a subject key: <c>nonce(12) ‖ ciphertext(32) ‖ tag(16)</c>, AES-256-GCM with a random nonce.</summary>
    /// <param name="subjectId">The subject the key belongs to (authenticated, not encrypted).</param>
    /// <param name="subjectKey">The 32-byte subject key.</param>
    /// <param name="random">The nonce source.</param>
    /// <returns>The wrapped key, 60 bytes.</returns>
    public byte[] Wrap(string subjectId, ReadOnlySpan<byte> subjectKey, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        ArgumentNullException.ThrowIfNull(random);
        byte[] wrapped = new byte[NonceSize + KeySize + TagSize];
        Span<byte> nonce = wrapped.AsSpan(0, NonceSize);
        random.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, subjectKey, wrapped.AsSpan(NonceSize, KeySize), wrapped.AsSpan(NonceSize + KeySize), Context(subjectId));
        return wrapped;
    }

    /// <summary>Unwraps a subject key.</summary>
    /// <param name="subjectId">The subject the key belongs to.</param>
    /// <param name="wrapped">The wrapped key from the store.</param>
    /// <returns>The 32-byte subject key.</returns>
    /// <exception cref="MasterKeyMismatchException">This master key does not open the wrapped key (wrong master key, or the stored key was altered).</exception>
    public byte[] Unwrap(string subjectId, ReadOnlySpan<byte> wrapped)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        if (wrapped.Length != NonceSize + KeySize + TagSize)
        {
            throw new MasterKeyMismatchException(subjectId, $"its stored wrapped key is {wrapped.Length} bytes, not {NonceSize + KeySize + TagSize}");
        }

        byte[] key = new byte[KeySize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(wrapped[..NonceSize], wrapped.Slice(NonceSize, KeySize), wrapped[(NonceSize + KeySize)..], key, Context(subjectId));
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new MasterKeyMismatchException(subjectId, "the authentication tag does not match", exception);
        }

        return key;
    }

    private static byte[] Context(string subjectId) => [.. s_wrapContext, .. System.Text.Encoding.UTF8.GetBytes(subjectId)];
}
