namespace DecisionLedger.Redaction;

/// <summary>The Luhn (mod 10) check of payment card numbers.</summary>
internal static class Luhn
{
    /// <summary>Whether the digits of <paramref name="text"/> (other characters ignored) number 13–19 and pass the Luhn check.</summary>
    public static bool IsValid(ReadOnlySpan<char> text)
    {
        int sum = 0;
        int count = 0;
        for (int i = text.Length - 1; i >= 0; i--)
        {
            char c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            int digit = c - '0';
            if ((count & 1) == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            count++;
        }

        return count is >= 13 and <= 19 && sum % 10 == 0;
    }
}
