using System.Text.Json;
using DecisionLedger.Storage;

namespace DecisionLedger.Querying;

/// <summary>
/// Parses <c>--where</c> expressions: <c>path op value</c> clauses joined by <c>and</c>, e.g.
/// <c>output.label = "fraud" and output.score &gt;= 0.9</c>. Values are JSON literals (strings in
/// double quotes, numbers, <c>true</c>, <c>false</c>, <c>null</c>); <c>path contains "text"</c> and
/// <c>path exists</c> complete the set. Every error names the column, what was expected and the
/// token found.
/// </summary>
/// <remarks>Hand-written (recursive descent over a flat token list): the grammar is tiny, and the messages are the feature.</remarks>
public static class WhereParser
{
    /// <summary>The longest expression accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>The most clauses one query may hold, over all its expressions.</summary>
    public const int MaxClauses = 32;

    private const string ExpectedPath = "a field path (input., output., explanation., metadata., model. or latencyMs)";
    private const string ExpectedOperator = "an operator (=, !=, <, <=, >, >=, contains, exists)";
    private const string ExpectedValue = "a JSON value (a string in double quotes, a number, true, false or null)";

    /// <summary>Parses one expression into its clauses.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="parameter">How the caller names the parameter in messages, e.g. <c>--where</c> or <c>where</c>.</param>
    /// <returns>The predicates, in the order written (all must hold).</returns>
    /// <exception cref="WhereSyntaxException">The expression is malformed.</exception>
    public static IReadOnlyList<FieldPredicate> Parse(string expression, string parameter = "--where")
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(parameter);
        if (expression.Length > MaxLength)
        {
            throw new WhereSyntaxException(parameter, MaxLength + 1, $"at most {MaxLength} characters", $"{expression.Length} characters");
        }

        List<WhereToken> tokens = WhereTokenizer.Tokenize(expression, parameter);
        var predicates = new List<FieldPredicate>();
        int position = 0;
        while (true)
        {
            predicates.Add(Clause(tokens, ref position, parameter));
            WhereToken next = tokens[position];
            if (next.Kind == WhereTokenKind.End)
            {
                break;
            }

            if (!IsWord(next, "and"))
            {
                throw new WhereSyntaxException(parameter, next.Column, "\"and\" or the end of the expression", next.Display,
                    IsWord(next, "or") ? "only \"and\" is supported; run one query per alternative" : null);
            }

            position++;
        }

        if (predicates.Count > MaxClauses)
        {
            throw new WhereSyntaxException(parameter, 1, $"at most {MaxClauses} clauses", $"{predicates.Count}");
        }

        return predicates;
    }

    /// <summary>Parses several expressions (e.g. a repeated <c>--where</c>) into one AND-ed list.</summary>
    /// <param name="expressions">The expressions.</param>
    /// <param name="parameter">The parameter name for messages; with more than one expression, messages say which (<c>--where #2</c>).</param>
    /// <returns>All predicates, in order.</returns>
    /// <exception cref="WhereSyntaxException">An expression is malformed, or together they hold too many clauses.</exception>
    public static IReadOnlyList<FieldPredicate> ParseAll(IReadOnlyList<string> expressions, string parameter = "--where")
    {
        ArgumentNullException.ThrowIfNull(expressions);
        var all = new List<FieldPredicate>();
        for (int i = 0; i < expressions.Count; i++)
        {
            all.AddRange(Parse(expressions[i], expressions.Count == 1 ? parameter : $"{parameter} #{i + 1}"));
        }

        if (all.Count > MaxClauses)
        {
            throw new WhereSyntaxException(parameter, 1, $"at most {MaxClauses} clauses over all expressions", $"{all.Count}");
        }

        return all;
    }

    private static FieldPredicate Clause(List<WhereToken> tokens, ref int position, string parameter)
    {
        WhereToken pathToken = tokens[position++];
        if (pathToken.Kind != WhereTokenKind.Word || IsKeyword(pathToken))
        {
            throw new WhereSyntaxException(parameter, pathToken.Column, ExpectedPath, pathToken.Display);
        }

        if (!FieldPath.TryParse(pathToken.Text, out FieldPath? path, out string? problem))
        {
            throw new WhereSyntaxException(parameter, pathToken.Column, ExpectedPath, pathToken.Display, problem);
        }

        WhereToken opToken = tokens[position++];
        WhereOperator op = Operator(opToken, parameter);
        if (op == WhereOperator.Exists)
        {
            return new FieldPredicate(path!, op, WhereLiteral.None);
        }

        WhereToken valueToken = tokens[position++];
        WhereLiteral value = Literal(valueToken, parameter);
        string? mismatch = FieldPredicate.Problem(op, value.Kind);
        if (mismatch is not null)
        {
            string expected = op == WhereOperator.Contains ? "a string in double quotes after contains" : $"a number or a string after {FieldPredicate.Symbol(op)}";
            throw new WhereSyntaxException(parameter, valueToken.Column, expected, valueToken.Display);
        }

        return new FieldPredicate(path!, op, value);
    }

    private static WhereOperator Operator(WhereToken token, string parameter)
    {
        if (token.Kind == WhereTokenKind.Symbol)
        {
            switch (token.Text)
            {
                case "=": return WhereOperator.Equal;
                case "!=": return WhereOperator.NotEqual;
                case "<": return WhereOperator.Less;
                case "<=": return WhereOperator.LessOrEqual;
                case ">": return WhereOperator.Greater;
                case ">=": return WhereOperator.GreaterOrEqual;
                default: break;
            }

            string? hint = token.Text switch
            {
                "==" => "use = for equality",
                "=>" => "did you mean >=?",
                "=<" => "did you mean <=?",
                "<>" => "use != for inequality",
                _ => null,
            };
            throw new WhereSyntaxException(parameter, token.Column, ExpectedOperator, token.Display, hint);
        }

        if (IsWord(token, "contains"))
        {
            return WhereOperator.Contains;
        }

        if (IsWord(token, "exists"))
        {
            return WhereOperator.Exists;
        }

        throw new WhereSyntaxException(parameter, token.Column, ExpectedOperator, token.Display);
    }

    private static WhereLiteral Literal(WhereToken token, string parameter)
    {
        switch (token.Kind)
        {
            case WhereTokenKind.String:
                return WhereLiteral.FromString(DecodeString(token, parameter));
            case WhereTokenKind.Number:
                if (!IsJsonNumber(token.Text))
                {
                    throw new WhereSyntaxException(parameter, token.Column, ExpectedValue, token.Display, "numbers are written as in JSON, e.g. 1000, -2.5 or 1e-3");
                }

                try
                {
                    return WhereLiteral.FromNumber(token.Text);
                }
                catch (FormatException)
                {
                    throw new WhereSyntaxException(parameter, token.Column, "a finite number", token.Display);
                }

            case WhereTokenKind.Word when token.Text is "true" or "false":
                return WhereLiteral.FromBoolean(token.Text == "true");
            case WhereTokenKind.Word when token.Text == "null":
                return WhereLiteral.Null;
            case WhereTokenKind.Word:
                throw new WhereSyntaxException(parameter, token.Column, ExpectedValue, token.Display,
                    $"put text in double quotes, e.g. \"{token.Text}\"");
            default:
                throw new WhereSyntaxException(parameter, token.Column, ExpectedValue, token.Display);
        }
    }

    private static string DecodeString(WhereToken token, string parameter)
    {
        // JSON text is Unicode: half a surrogate pair typed raw is not a character (and the serializer
        // would fail on it with an ArgumentException rather than a JsonException).
        int lone = IndexOfLoneSurrogate(token.Text);
        if (lone >= 0)
        {
            throw new WhereSyntaxException(parameter, token.Column, "a JSON string of Unicode text", token.Display,
                $"character {lone + 1} of the string is half of a UTF-16 surrogate pair (U+{(int)token.Text[lone]:X4}); fix the text's encoding");
        }

        try
        {
            // JSON decides what a string is: escapes, control characters and all.
            return JsonSerializer.Deserialize<string>(token.Text) ?? "";
        }
        catch (JsonException)
        {
            throw new WhereSyntaxException(parameter, token.Column, "a JSON string (escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX only, no raw control characters)", token.Display);
        }
    }

    private static int IndexOfLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private static bool IsJsonNumber(string text)
    {
        int i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i == text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (!Digits(text, ref i))
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (!Digits(text, ref i))
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static bool Digits(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static bool IsKeyword(WhereToken token) =>
        IsWord(token, "and") || IsWord(token, "contains") || IsWord(token, "exists") || token.Text is "true" or "false" or "null";

    private static bool IsWord(WhereToken token, string word) =>
        token.Kind == WhereTokenKind.Word && string.Equals(token.Text, word, StringComparison.OrdinalIgnoreCase);
}
