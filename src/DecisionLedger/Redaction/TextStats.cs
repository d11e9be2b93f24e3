using System.Numerics;
using System.Text.Json;

namespace DecisionLedger.Redaction;

/// <summary>
/// Character counts and shapes of one string value, gathered in a single pass over its UTF-8 bytes (or
/// UTF-16 chars), that decide which detectors can possibly match before any regular expression runs.
/// </summary>
/// <remarks>
/// Each shape is a necessary condition of a built-in pattern, read off the pattern itself, so skipping the
/// pattern when a shape is absent never changes a result: every card match is a run of 13+ digits joined by
/// single spaces or dashes; every phone match ends in <c>ddd[ .-]dddd</c> or starts with <c>+</c> and a
/// non-zero digit (the international form, validated by libphonenumber);
/// every SSN match is <c>ddd-dd-dddd</c>; every IBAN match starts with two capitals and two digits.
/// All of them are ASCII, so scanning bytes or chars gives the same answer.
/// </remarks>
internal readonly struct TextStats
{
    private const int Unknown = int.MaxValue;

    private TextStats(int digits, int dots, int colons, int dashes, bool at, int cardRun, bool phoneShape, bool ssnShape, bool ibanShape)
    {
        Digits = digits;
        Dots = dots;
        Colons = colons;
        Dashes = dashes;
        HasAt = at;
        CardRun = cardRun;
        PhoneShape = phoneShape;
        SsnShape = ssnShape;
        IbanShape = ibanShape;
    }

    public int Digits { get; }

    public int Dots { get; }

    public int Colons { get; }

    public int Dashes { get; }

    public bool HasAt { get; }

    /// <summary>The most digits in one run whose digits are separated by at most one space or dash.</summary>
    public int CardRun { get; }

    /// <summary>Has <c>ddd[ .-]dddd</c>, or <c>+</c> followed by a non-zero digit.</summary>
    public bool PhoneShape { get; }

    /// <summary>Has <c>ddd-dd-dddd</c>.</summary>
    public bool SsnShape { get; }

    /// <summary>Has two capital ASCII letters followed by two digits.</summary>
    public bool IbanShape { get; }

    /// <summary>Counts over the raw (still escaped) JSON text; an escape makes every count look possible.</summary>
    public static TextStats Of(ReadOnlySpan<byte> raw) =>

        // An escaped '@' or digit would hide from the counts; assume anything is possible.
        raw.Contains((byte)'\\') ? new TextStats(Unknown, Unknown, Unknown, Unknown, at: true, Unknown, phoneShape: true, ssnShape: true, ibanShape: true) : Scan(raw);

    public static TextStats Of(ReadOnlySpan<char> text) => Scan(text);

    public static TextStats Of(JsonElement stringElement) =>
        Of(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(stringElement));

    private static TextStats Scan<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        int digits = 0, dots = 0, colons = 0, dashes = 0;
        bool at = false, phone = false, ssn = false, iban = false;
        int run = 0, cardRun = 0, maxCardRun = 0;
        bool separated = false;
        for (int i = 0; i < text.Length; i++)
        {
            int c = int.CreateTruncating(text[i]);
            if (c is >= '0' and <= '9')
            {
                digits++;
                run++;
                cardRun++;
                separated = false;
                if (cardRun > maxCardRun)
                {
                    maxCardRun = cardRun;
                }

                if (run == 2 && i >= 3 && IsUpper(text, i - 2) && IsUpper(text, i - 3))
                {
                    iban = true;
                }

                if (run == 4 && i >= 7 && Is(text, i - 4, ' ', '.', '-') && IsDigits(text, i - 7, 3))
                {
                    phone = true;
                }

                if (run == 4 && i >= 10 && Is(text, i - 4, '-') && IsDigits(text, i - 6, 2) && Is(text, i - 7, '-') && IsDigits(text, i - 10, 3))
                {
                    ssn = true;
                }

                if (run == 1 && c != '0' && i >= 1 && Is(text, i - 1, '+'))
                {
                    phone = true;
                }

                continue;
            }

            run = 0;
            if ((c == ' ' || c == '-') && !separated && cardRun > 0)
            {
                separated = true;
            }
            else
            {
                cardRun = 0;
                separated = false;
            }

            switch (c)
            {
                case '.': dots++; break;
                case ':': colons++; break;
                case '-': dashes++; break;
                case '@': at = true; break;
                default: break;
            }
        }

        return new TextStats(digits, dots, colons, dashes, at, maxCardRun, phone, ssn, iban);
    }

    private static bool IsUpper<T>(ReadOnlySpan<T> text, int index)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(text[index]) is >= 'A' and <= 'Z';

    private static bool Is<T>(ReadOnlySpan<T> text, int index, char a, char b = '\0', char c = '\0')
        where T : unmanaged, IBinaryInteger<T>
    {
        int value = int.CreateTruncating(text[index]);
        return value == a || (b != '\0' && value == b) || (c != '\0' && value == c);
    }

    private static bool IsDigits<T>(ReadOnlySpan<T> text, int start, int count)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = start; i < start + count; i++)
        {
            if (int.CreateTruncating(text[i]) is not (>= '0' and <= '9'))
            {
                return false;
            }
        }

        return true;
    }
}
