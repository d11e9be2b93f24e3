using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// The lexical rules shared by keys, notes and checkpoints (c2sp.org/signed-note), kept in
/// one place so the signer, the parser and the verifier cannot drift apart.
/// </summary>
internal static class NoteSyntax
{
    /// <summary>Signature type byte of plain Ed25519 note signatures.</summary>
    public const byte AlgorithmEd25519 = 0x01;

    /// <summary>Length of an Ed25519 public key or private seed.</summary>
    public const int Ed25519KeySize = 32;

    /// <summary>Length of an Ed25519 signature.</summary>
    public const int Ed25519SignatureSize = 64;

    /// <summary>The prefix of every signature line: em dash (U+2014) and a space.</summary>
    public const string SignatureLinePrefix = "\u2014 ";

    /// <summary>Go's sumdb/note refuses notes with more signatures than this; so do we.</summary>
    public const int MaxSignatures = 100;

    /// <summary>
    /// Whether <paramref name="name"/> is a valid key name: non-empty, no '+', no Unicode
    /// space, no ASCII control character, valid Unicode (so it encodes to valid UTF-8).
    /// </summary>
    public static bool IsValidKeyName(string name, out string problem)
    {
        if (name.Length == 0)
        {
            problem = "it is empty";
            return false;
        }

        if (name.Contains('+', StringComparison.Ordinal))
        {
            problem = "it contains '+', which separates the fields of a key string";
            return false;
        }

        for (int i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                problem = $"it contains an unpaired surrogate at index {i}, which has no UTF-8 encoding";
                return false;
            }

            // Rune.IsWhiteSpace is Unicode White_Space, the same set as Go's unicode.IsSpace
            // plus nothing Go would accept, so a name we accept is one sumdb/note accepts.
            if (Rune.IsWhiteSpace(rune))
            {
                problem = $"it contains the space character U+{rune.Value:X4} at index {i}";
                return false;
            }

            // A note may not contain control characters below U+0020, so a name holding one
            // could never appear in a signature line.
            if (rune.Value < 0x20)
            {
                problem = $"it contains the control character U+{rune.Value:X4} at index {i}";
                return false;
            }

            i += consumed;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> is not a valid key name.</summary>
    public static void ThrowIfInvalidKeyName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidKeyName(name, out string problem))
        {
            throw new ArgumentException($"The key name '{name}' is invalid: {problem}.", paramName);
        }
    }

    /// <summary>
    /// The key ID: the first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key).
    /// </summary>
    /// <param name="name">The key name.</param>
    /// <param name="typedPublicKey">The signature type byte followed by the public key.</param>
    public static uint ComputeKeyId(string name, ReadOnlySpan<byte> typedPublicKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(name));
        sha.AppendData([(byte)'\n']);
        sha.AppendData(typedPublicKey);
        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt32BigEndian(digest);
    }

    /// <summary>Formats a key ID as the eight lowercase hex digits used in key strings.</summary>
    public static string FormatKeyId(uint keyId) => keyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses the eight hex digits of a key string. Either case is accepted because Go's
    /// <c>strconv.ParseUint(s, 16, 32)</c> accepts both.
    /// </summary>
    public static bool TryParseKeyId(string text, out uint keyId)
    {
        keyId = 0;
        return text.Length == 8
            && uint.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out keyId);
    }

    /// <summary>
    /// Decodes standard base64 (RFC 4648 §4) with padding, refusing the whitespace that
    /// <see cref="Convert.FromBase64String(string)"/> silently skips: Go's decoder rejects it,
    /// and a verifier more lenient than Go's would accept notes Go rejects.
    /// </summary>
    /// <param name="text">The encoded text.</param>
    /// <param name="bytes">The decoded bytes.</param>
    /// <param name="requireCanonical">Also require that re-encoding gives back <paramref name="text"/> (no stray trailing bits).</param>
    public static bool TryDecodeBase64(string text, out byte[] bytes, bool requireCanonical = false)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            bool inAlphabet = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '=';
            if (!inAlphabet)
            {
                return false;
            }
        }

        byte[] buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            return false;
        }

        bytes = buffer.AsSpan(0, written).ToArray();
        return !requireCanonical || string.Equals(Convert.ToBase64String(bytes), text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Finds the first character a signed note may not contain: an ASCII control character
    /// other than newline, or an unpaired surrogate (which has no UTF-8 encoding).
    /// </summary>
    /// <returns>A description of the problem, or <see langword="null"/> when the text is clean.</returns>
    public static string? FindForbiddenCharacter(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 && c != '\n')
            {
                return $"the control character U+{(int)c:X4} at index {i} (only newline is allowed)";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"an unpaired surrogate at index {i} (the note must be valid UTF-8)";
            }
        }

        return null;
    }
}
