using System.Globalization;
using System.Text;

namespace DecisionLedger.Redaction;

/// <summary>
/// A parsed JSON path selector (the subset of RFC 9535 a redaction policy needs): <c>$</c>, <c>.name</c>,
/// <c>['name']</c>, <c>*</c>, <c>[*]</c>, <c>[n]</c> and <c>..</c> recursive descent.
/// </summary>
internal sealed class JsonPathSelector
{
    private JsonPathSelector(string text, PathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public PathSegment[] Segments { get; }

    /// <summary>Parses <paramref name="text"/> or returns the problem with its 0-based character position.</summary>
    public static JsonPathSelector? TryParse(string text, out string? error)
    {
        error = null;
        var segments = new List<PathSegment>();
        if (text.Length == 0 || text[0] != '$')
        {
            error = "position 0: a selector starts with '$', e.g. '$.input.email'";
            return null;
        }

        int i = 1;
        while (i < text.Length)
        {
            bool recursive = false;
            int start = i;
            if (text[i] == '.')
            {
                if (i + 1 < text.Length && text[i + 1] == '.')
                {
                    recursive = true;
                    i += 2;
                    if (i < text.Length && text[i] == '[')
                    {
                        if (!TryBracket(text, ref i, recursive, segments, out error))
                        {
                            return null;
                        }

                        continue;
                    }
                }
                else
                {
                    i++;
                }

                if (i < text.Length && text[i] == '*')
                {
                    segments.Add(new PathSegment(null, -1, recursive));
                    i++;
                    continue;
                }

                int nameStart = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' || text[i] > 127))
                {
                    i++;
                }

                if (i == nameStart)
                {
                    error = Position(i, text, "expected a member name or '*' after '" + text[start..i] + "'");
                    return null;
                }

                segments.Add(new PathSegment(text[nameStart..i], -1, recursive));
            }
            else if (text[i] == '[')
            {
                if (!TryBracket(text, ref i, recursive: false, segments, out error))
                {
                    return null;
                }
            }
            else
            {
                error = Position(i, text, $"unexpected '{text[i]}'; expected '.', '..' or '['");
                return null;
            }
        }

        if (segments.Count == 0)
        {
            error = Position(text.Length, text, "'$' alone selects the whole decision; name a section, e.g. '$.input' or '$..email'");
            return null;
        }

        return new JsonPathSelector(text, [.. segments]);
    }

    private static bool TryBracket(string text, ref int i, bool recursive, List<PathSegment> segments, out string? error)
    {
        error = null;
        int open = i;
        i++;
        if (i < text.Length && text[i] == '*')
        {
            i++;
            if (i >= text.Length || text[i] != ']')
            {
                error = Position(i, text, "expected ']' after '[*'");
                return false;
            }

            i++;
            segments.Add(new PathSegment(null, -1, recursive));
            return true;
        }

        if (i < text.Length && text[i] is '\'' or '"')
        {
            char quote = text[i];
            i++;
            var name = new StringBuilder();
            while (i < text.Length && text[i] != quote)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }

                name.Append(text[i]);
                i++;
            }

            if (i >= text.Length)
            {
                error = Position(open, text, "unterminated quoted name");
                return false;
            }

            i++;
            if (i >= text.Length || text[i] != ']')
            {
                error = Position(i, text, "expected ']' after the quoted name");
                return false;
            }

            i++;
            segments.Add(new PathSegment(name.ToString(), -1, recursive));
            return true;
        }

        int digits = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == digits || i >= text.Length || text[i] != ']'
            || !int.TryParse(text.AsSpan(digits, i - digits), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            error = Position(digits, text, "expected '*', a quoted name or a non-negative index inside '[ ]'");
            return false;
        }

        i++;
        segments.Add(new PathSegment(null, index, recursive));
        return true;
    }

    private static string Position(int position, string text, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"position {position} of '{text}': {problem}");
}
