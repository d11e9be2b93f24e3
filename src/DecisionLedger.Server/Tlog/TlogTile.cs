using System.Globalization;
using System.Text;

namespace DecisionLedger.Server.Tlog;

/// <summary>
/// One resource of the C2SP <c>tlog-tiles</c> layout below <c>tile/</c>: a hash tile (<c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c>)
/// or an entry bundle (<c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>).
/// </summary>
/// <param name="Level">The tile-level of a hash tile (0 to 63); -1 for an entry bundle.</param>
/// <param name="Index">The tile's index within its level.</param>
/// <param name="Width">The number of hashes or entries: 256 for a full tile, 1 to 255 for a partial one.</param>
internal readonly record struct TlogTile(int Level, long Index, int Width)
{
    /// <summary>The width of a full tile.</summary>
    public const int FullWidth = 256;

    /// <summary>The <see cref="Level"/> of an entry bundle.</summary>
    public const int EntriesLevel = -1;

    /// <summary>The highest tile-level the spec allows in a path.</summary>
    public const int MaxLevel = 63;

    /// <summary>Whether this names an entry bundle rather than a hash tile.</summary>
    public bool IsEntries => Level == EntriesLevel;

    /// <summary>Whether this is a full (immutable) tile.</summary>
    public bool IsFull => Width == FullWidth;

    /// <summary>The path below the prefix, e.g. <c>tile/0/x001/234.p/5</c> or <c>tile/entries/000</c>.</summary>
    public string Path
    {
        get
        {
            var path = new StringBuilder("tile/");
            path.Append(IsEntries ? "entries" : Level.ToString(CultureInfo.InvariantCulture)).Append('/');
            path.Append(FormatIndex(Index));
            if (!IsFull)
            {
                path.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
            }

            return path.ToString();
        }
    }

    /// <summary>Encodes an index as zero-padded 3-digit path elements, all but the last prefixed with <c>x</c>.</summary>
    public static string FormatIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        string last = (index % 1000).ToString("D3", CultureInfo.InvariantCulture);
        var elements = new List<string> { last };
        for (long rest = index / 1000; rest > 0; rest /= 1000)
        {
            elements.Add("x" + (rest % 1000).ToString("D3", CultureInfo.InvariantCulture));
        }

        elements.Reverse();
        return string.Join('/', elements);
    }

    /// <summary>
    /// Parses the part of a path after <c>tile/</c>: a level (decimal, or <c>entries</c>) and then the index
    /// elements with the optional <c>.p/&lt;W&gt;</c> suffix.
    /// </summary>
    /// <exception cref="FormatException">The path is malformed; the message names the segment and the rule it breaks.</exception>
    public static TlogTile Parse(string level, string indexPath)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(indexPath);
        int parsedLevel = level == "entries" ? EntriesLevel : ParseLevel(level);
        (long index, int width) = ParseIndex(indexPath);
        return new TlogTile(parsedLevel, index, width);
    }

    private static int ParseLevel(string level)
    {
        if (!IsCanonicalDecimal(level, 2) || int.Parse(level, NumberStyles.None, CultureInfo.InvariantCulture) > MaxLevel)
        {
            throw new FormatException($"level: segment '{level}' must be 'entries' or a decimal tile-level from 0 to {MaxLevel} without leading zeros.");
        }

        return int.Parse(level, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static (long Index, int Width) ParseIndex(string indexPath)
    {
        string[] elements = indexPath.Split('/');
        int width = FullWidth;
        int count = elements.Length;
        if (count >= 2 && elements[count - 2].EndsWith(".p", StringComparison.Ordinal))
        {
            string w = elements[count - 1];
            if (!IsCanonicalDecimal(w, 3) || int.Parse(w, NumberStyles.None, CultureInfo.InvariantCulture) is < 1 or > FullWidth - 1)
            {
                throw new FormatException($"width: segment '{w}' after '.p/' must be a decimal from 1 to 255 without leading zeros.");
            }

            width = int.Parse(w, NumberStyles.None, CultureInfo.InvariantCulture);
            count--;
            elements[count - 1] = elements[count - 1][..^2];
        }

        if (count == 0 || (count == 1 && elements[0].Length == 0))
        {
            throw new FormatException("index: the path has no tile index; expected e.g. '000' or 'x001/234'.");
        }

        long index = 0;
        for (int i = 0; i < count; i++)
        {
            string element = elements[i];
            bool last = i == count - 1;
            string digits = last ? element : element.StartsWith('x') ? element[1..] : string.Empty;
            if (digits.Length != 3 || !digits.All(char.IsAsciiDigit))
            {
                throw new FormatException(last
                    ? $"index: segment '{element}' must be exactly 3 digits (e.g. '067'), optionally followed by '.p/<width>'."
                    : $"index: segment '{element}' must be 'x' and 3 digits (e.g. 'x001'); only the last index segment has no 'x'.");
            }

            if (i == 0 && count > 1 && digits == "000")
            {
                throw new FormatException($"index: segment '{element}' is a leading zero element; the index is written in its shortest form.");
            }

            int value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            if (index > (long.MaxValue - value) / 1000)
            {
                throw new FormatException($"index: '{indexPath}' is larger than any tree can have.");
            }

            index = (index * 1000) + value;
        }

        return (index, width);
    }

    private static bool IsCanonicalDecimal(string text, int maxDigits) =>
        text.Length is > 0 && text.Length <= maxDigits && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0');
}
