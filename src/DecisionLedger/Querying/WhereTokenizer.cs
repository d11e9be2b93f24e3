namespace DecisionLedger.Querying;

/// <summary>Splits a <c>--where</c> expression into tokens; it never fails, the parser judges what it gets.</summary>
internal static class WhereTokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, ending with one <see cref="WhereTokenKind.End"/>.</summary>
    /// <exception cref="WhereSyntaxException">A string is not closed.</exception>
    public static List<WhereToken> Tokenize(string text, string parameter)
    {
        var tokens = new List<WhereToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                tokens.Add(new WhereToken(WhereTokenKind.End, "", i + 1));
                return tokens;
            }

            int start = i;
            char c = text[i];
            WhereTokenKind kind;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                kind = WhereTokenKind.Word;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.'))
                {
                    i++;
                }
            }
            else if (c == '"')
            {
                kind = WhereTokenKind.String;
                i = EndOfString(text, i, parameter);
            }
            else if (char.IsAsciiDigit(c) || c == '-')
            {
                kind = WhereTokenKind.Number;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '+' or '-'))
                {
                    i++;
                }
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                kind = WhereTokenKind.Symbol;
                while (i < text.Length && text[i] is '=' or '!' or '<' or '>')
                {
                    i++;
                }
            }
            else
            {
                // A surrogate pair is one character to the reader.
                kind = WhereTokenKind.Other;
                i += char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
            }

            tokens.Add(new WhereToken(kind, text[start..i], start + 1));
        }
    }

    private static int EndOfString(string text, int open, string parameter)
    {
        int i = open + 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == '"')
            {
                return i + 1;
            }

            i++;
        }

        throw new WhereSyntaxException(parameter, text.Length + 1, $"a closing '\"' for the string that starts at column {open + 1}", "end of input");
    }
}
