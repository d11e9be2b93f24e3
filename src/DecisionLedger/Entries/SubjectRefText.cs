namespace DecisionLedger.Entries;

/// <summary>
/// The text form of a subject ref: base64url without padding of 16 random bytes, so exactly 22
/// characters from <c>A–Z a–z 0–9 - _</c> whose last character leaves the 4 unused bits zero
/// (only that spelling decodes and re-encodes to itself).
/// </summary>
internal static class SubjectRefText
{
    /// <summary>The length of a ref: 16 bytes in base64url without padding.</summary>
    public const int Length = 22;

    /// <summary>Whether <paramref name="value"/> is a ref in its one canonical spelling.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != Length)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!(c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        // 22 characters carry 132 bits; the last one's low 4 bits must be zero: A, Q, g or w.
        return value[^1] is 'A' or 'Q' or 'g' or 'w';
    }

    /// <summary>Whether the UTF-8 <paramref name="value"/> is a ref in its one canonical spelling.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        if (value.Length != Length)
        {
            return false;
        }

        Span<char> chars = stackalloc char[Length];
        for (int i = 0; i < Length; i++)
        {
            chars[i] = (char)value[i];
        }

        return IsValid(chars);
    }

    /// <summary>The sentence a refusal gives: what a ref looks like.</summary>
    public static string Expected => "expected 22 base64url characters without padding (16 random bytes), e.g. \"q83vEjRWeJqrze8SNFZ4mg\"";
}
