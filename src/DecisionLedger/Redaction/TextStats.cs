using System.Text.Json;

namespace DecisionLedger.Redaction;

/// <summary>
/// Character counts of one string value, gathered in a single pass over its UTF-8 bytes, that decide which
/// detectors can possibly match before any regular expression runs.
/// </summary>
internal readonly struct TextStats
{
    private TextStats(int digits, int dots, int colons, int dashes, bool at)
    {
        Digits = digits;
        Dots = dots;
        Colons = colons;
        Dashes = dashes;
        HasAt = at;
    }

    public int Digits { get; }

    public int Dots { get; }

    public int Colons { get; }

    public int Dashes { get; }

    public bool HasAt { get; }

    /// <summary>Counts over the raw (still escaped) JSON text; an escape makes every count look possible.</summary>
    public static TextStats Of(ReadOnlySpan<byte> raw)
    {
        if (raw.Contains((byte)'\\'))
        {
            // An escaped '@' or digit would hide from the counts; assume anything is possible.
            return new TextStats(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, at: true);
        }

        int digits = 0, dots = 0, colons = 0, dashes = 0;
        bool at = false;
        foreach (byte b in raw)
        {
            switch (b)
            {
                case >= (byte)'0' and <= (byte)'9': digits++; break;
                case (byte)'.': dots++; break;
                case (byte)':': colons++; break;
                case (byte)'-': dashes++; break;
                case (byte)'@': at = true; break;
                default: break;
            }
        }

        return new TextStats(digits, dots, colons, dashes, at);
    }

    public static TextStats Of(ReadOnlySpan<char> text)
    {
        int digits = 0, dots = 0, colons = 0, dashes = 0;
        bool at = false;
        foreach (char c in text)
        {
            switch (c)
            {
                case >= '0' and <= '9': digits++; break;
                case '.': dots++; break;
                case ':': colons++; break;
                case '-': dashes++; break;
                case '@': at = true; break;
                default: break;
            }
        }

        return new TextStats(digits, dots, colons, dashes, at);
    }

    public static TextStats Of(JsonElement stringElement) =>
        Of(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(stringElement));
}
