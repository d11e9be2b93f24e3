using System.Buffers.Binary;
using System.Security.Cryptography;
using DecisionLedger.Storage;

namespace DecisionLedger.Encryption;

/// <summary>
/// The stored form of an encrypted input: <c>0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16)</c>, AES-256-GCM
/// under the subject's key, of <c>salt(16) ‖ JCS(storedInput)</c>, with the entry's <c>seq</c>
/// (8 bytes big-endian) as associated data. The salt column of an encrypted row is empty.
/// </summary>
/// <remarks>
/// The leading 0x01 tells an encrypted row from a plaintext one (canonical JSON starts with
/// <c>{</c>). The salt is encrypted with the input because a salt in clear beside the digest
/// would let anyone holding the database test guesses of a low-entropy input. The <c>seq</c> as
/// associated data makes a ciphertext moved to another row fail to decrypt.
/// </remarks>
public static class InputEncryption
{
    /// <summary>The first byte of an encrypted stored input.</summary>
    public const byte FormatMarker = 0x01;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int SaltSize = 16;

    /// <summary>Whether a stored input is encrypted.</summary>
    /// <param name="input">The stored input bytes.</param>
    /// <returns>True when it starts with <see cref="FormatMarker"/>.</returns>
    public static bool IsEncrypted(ReadOnlySpan<byte> input) => input.Length > 0 && input[0] == FormatMarker;

    /// <summary>Encrypts a plaintext stored input under a subject key.</summary>
    /// <param name="subjectKey">The subject's AES-GCM cipher.</param>
    /// <param name="plain">The row: seq, 16-byte salt and canonical input.</param>
    /// <param name="nonce">12 fresh random bytes.</param>
    /// <returns>The row to store: empty salt, encrypted input.</returns>
    public static StoredInput Encrypt(AesGcm subjectKey, StoredInput plain, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(subjectKey);
        ArgumentNullException.ThrowIfNull(plain);
        byte[] plaintext = [.. plain.Salt, .. plain.Input];
        byte[] blob = new byte[1 + NonceSize + plaintext.Length + TagSize];
        blob[0] = FormatMarker;
        nonce[..NonceSize].CopyTo(blob.AsSpan(1));
        Span<byte> seq = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(seq, plain.Seq);
        subjectKey.Encrypt(blob.AsSpan(1, NonceSize), plaintext, blob.AsSpan(1 + NonceSize, plaintext.Length), blob.AsSpan(1 + NonceSize + plaintext.Length), seq);
        CryptographicOperations.ZeroMemory(plaintext);
        return new StoredInput(plain.Seq, [], blob);
    }

    /// <summary>Decrypts an encrypted stored input back to its seq, salt and canonical input.</summary>
    /// <param name="subjectKey">The subject's 32-byte key.</param>
    /// <param name="stored">The encrypted row.</param>
    /// <param name="plain">The plaintext row, when this returns true.</param>
    /// <returns>False when the row does not decrypt under the key (altered, moved, or another key).</returns>
    public static bool TryDecrypt(ReadOnlySpan<byte> subjectKey, StoredInput stored, out StoredInput? plain)
    {
        ArgumentNullException.ThrowIfNull(stored);
        plain = null;
        ReadOnlySpan<byte> blob = stored.Input;
        if (!IsEncrypted(blob) || blob.Length < 1 + NonceSize + SaltSize + TagSize)
        {
            return false;
        }

        int length = blob.Length - 1 - NonceSize - TagSize;
        byte[] plaintext = new byte[length];
        Span<byte> seq = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(seq, stored.Seq);
        try
        {
            using var aes = new AesGcm(subjectKey, TagSize);
            aes.Decrypt(blob.Slice(1, NonceSize), blob.Slice(1 + NonceSize, length), blob[^TagSize..], plaintext, seq);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        plain = new StoredInput(stored.Seq, plaintext[..SaltSize], plaintext[SaltSize..]);
        return true;
    }
}
