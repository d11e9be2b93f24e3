using System.Globalization;
using System.Text.Json;
using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

/// <summary>
/// Evaluates where predicates on JSON the way the relational stores do: strict types ("1" never
/// equals 1), a missing field matches nothing (not even <c>!=</c>), <c>exists</c> holds for a JSON
/// null, strings compare ordinally, numbers numerically (integers exactly).
/// </summary>
internal static class InMemoryWhereEvaluator
{
    /// <summary>True when every predicate holds for the entry <paramref name="body"/> and its <paramref name="input"/> (null when none is held).</summary>
    public static bool Matches(IReadOnlyList<FieldPredicate> predicates, byte[] body, byte[]? input)
    {
        for (int i = 0; i < predicates.Count; i++)
        {
            FieldPredicate predicate = predicates[i];
            byte[]? document = predicate.Path.IsInput ? PlaintextOrNull(input) : body;
            if (document is null)
            {
                return false;
            }

            using JsonDocument json = JsonDocument.Parse(document);
            if (!Find(json.RootElement, predicate.Path, out JsonElement value) || !Holds(predicate, value))
            {
                return false;
            }
        }

        return true;
    }

    // Encrypted inputs start with 0x01 and erased ones are gone: neither is JSON a predicate can read.
    private static byte[]? PlaintextOrNull(byte[]? input) => input is { Length: > 0 } && input[0] == (byte)'{' ? input : null;

    private static bool Find(JsonElement root, FieldPath path, out JsonElement value)
    {
        value = root;
        for (int i = path.IsInput ? 1 : 0; i < path.Names.Count; i++)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(path.Names[i], out value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Holds(FieldPredicate predicate, JsonElement value)
    {
        WhereLiteral literal = predicate.Value;
        return predicate.Operator switch
        {
            WhereOperator.Exists => true,
            WhereOperator.Equal => IsEqual(literal, value),
            WhereOperator.NotEqual => !IsEqual(literal, value),
            WhereOperator.Contains => value.ValueKind == JsonValueKind.String && value.GetString()!.Contains(literal.String!, StringComparison.Ordinal),
            WhereOperator.Less => Compare(literal, value) is < 0,
            WhereOperator.LessOrEqual => Compare(literal, value) is <= 0,
            WhereOperator.Greater => Compare(literal, value) is > 0,
            WhereOperator.GreaterOrEqual => Compare(literal, value) is >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(predicate), predicate.Operator, "Not a where operator."),
        };
    }

    private static bool IsEqual(WhereLiteral literal, JsonElement value) => literal.Kind switch
    {
        WhereLiteralKind.Boolean => value.ValueKind == (literal.Boolean ? JsonValueKind.True : JsonValueKind.False),
        WhereLiteralKind.Null => value.ValueKind == JsonValueKind.Null,
        _ => Compare(literal, value) == 0,
    };

    // The value compared with the literal, or null when their types differ.
    private static int? Compare(WhereLiteral literal, JsonElement value)
    {
        if (literal.Kind == WhereLiteralKind.String)
        {
            return value.ValueKind == JsonValueKind.String ? string.CompareOrdinal(value.GetString(), literal.String) : null;
        }

        if (literal.Kind != WhereLiteralKind.Number || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        string raw = value.GetRawText();
        bool integral = raw.IndexOfAny(['.', 'e', 'E']) < 0;
        if (integral && literal.Integer is { } integer && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long stored))
        {
            return stored.CompareTo(integer);
        }

        return value.GetDouble().CompareTo(literal.Number);
    }
}
