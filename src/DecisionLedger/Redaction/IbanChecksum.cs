namespace DecisionLedger.Redaction;

/// <summary>The ISO 13616 / ISO 7064 mod-97-10 check of IBANs.</summary>
internal static class IbanChecksum
{
    /// <summary>Whether <paramref name="text"/> (spaces ignored) is 15–34 characters of country code, check digits and BBAN with remainder 1 mod 97.</summary>
    public static bool IsValid(ReadOnlySpan<char> text)
    {
        Span<char> compact = stackalloc char[34];
        int length = 0;
        foreach (char c in text)
        {
            if (c == ' ')
            {
                continue;
            }

            if (length == compact.Length)
            {
                return false;
            }

            compact[length++] = c;
        }

        if (length < 15 || !char.IsAsciiLetterUpper(compact[0]) || !char.IsAsciiLetterUpper(compact[1])
            || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        // Move the first four characters to the end, read letters as 10..35, and reduce mod 97 as we go.
        int remainder = 0;
        for (int k = 0; k < length; k++)
        {
            char c = compact[(k + 4) % length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }
}
