using System.Globalization;
using System.Text;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Turns <see cref="FieldPredicate"/>s into SQL over the stored JSON. Every piece of SQL text comes
/// from this file's constants, picked by the operator and the value's type; the JSON path and the
/// value are bound parameters, and the path was validated against <see cref="FieldPath"/>'s strict
/// grammar before it got here. Caller text is never spliced into the statement.
/// </summary>
internal static class WherePredicateSql
{
    // Entry bodies are BLOBs holding JSON text: SQLite 3.45+ reads a BLOB given to a json function as
    // JSONB, so the text is cast first.
    private const string EntryDocument = "CAST(body AS TEXT)";

    // Plaintext stored inputs are canonical JSON, so they start with '{' (0x7B); encrypted ones start
    // with 0x01 and erased ones have no row: both give NULL, which no predicate matches. CASE is
    // evaluated lazily, so ciphertext never reaches the JSON parser.
    private const string InputDocument =
        "(SELECT CASE WHEN substr(inputs.input, 1, 1) = X'7B' THEN CAST(inputs.input AS TEXT) END FROM inputs WHERE inputs.seq = entries.seq)";

    /// <summary>Appends <c> AND (…)</c> for each predicate and binds its parameters.</summary>
    public static void Append(SqliteCommand command, StringBuilder sql, IReadOnlyList<FieldPredicate> predicates)
    {
        for (int i = 0; i < predicates.Count; i++)
        {
            FieldPredicate predicate = predicates[i];
            string document = predicate.Path.IsInput ? InputDocument : EntryDocument;
            string path = "@wp" + i.ToString(CultureInfo.InvariantCulture);
            string value = "@wv" + i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(path, predicate.Path.ToJsonPath());
            string type = $"json_type({document}, {path})";
            string extract = $"json_extract({document}, {path})";
            sql.Append(" AND (").Append(Condition(predicate, type, extract, value)).Append(')');
            if (predicate.Value.Kind is WhereLiteralKind.String or WhereLiteralKind.Number)
            {
                command.Parameters.AddWithValue(value, Bound(predicate.Value));
            }
        }
    }

    private static string Condition(FieldPredicate predicate, string type, string extract, string value)
    {
        WhereLiteral literal = predicate.Value;
        return predicate.Operator switch
        {
            WhereOperator.Exists => $"{type} IS NOT NULL",
            WhereOperator.Equal => Equal(literal, type, extract, value),
            WhereOperator.NotEqual => $"{type} IS NOT NULL AND NOT ({Equal(literal, type, extract, value)})",
            WhereOperator.Contains => $"{type} = 'text' AND instr({extract}, {value}) > 0",
            WhereOperator.Less => $"{TypeIs(literal, type)} AND {extract} < {value}",
            WhereOperator.LessOrEqual => $"{TypeIs(literal, type)} AND {extract} <= {value}",
            WhereOperator.Greater => $"{TypeIs(literal, type)} AND {extract} > {value}",
            WhereOperator.GreaterOrEqual => $"{TypeIs(literal, type)} AND {extract} >= {value}",
            _ => throw new ArgumentOutOfRangeException(nameof(predicate), predicate.Operator, "Not a where operator."),
        };
    }

    private static string Equal(WhereLiteral literal, string type, string extract, string value) => literal.Kind switch
    {
        WhereLiteralKind.Boolean => literal.Boolean ? $"{type} = 'true'" : $"{type} = 'false'",
        WhereLiteralKind.Null => $"{type} = 'null'",
        _ => $"{TypeIs(literal, type)} AND {extract} = {value}",
    };

    // Types are strict: "1" never equals 1, and ordering never mixes numbers and strings.
    private static string TypeIs(WhereLiteral literal, string type) => literal.Kind switch
    {
        WhereLiteralKind.String => $"{type} = 'text'",
        WhereLiteralKind.Number => $"{type} IN ('integer', 'real')",
        _ => throw new ArgumentOutOfRangeException(nameof(literal), literal.Kind, "Only strings and numbers are compared by value."),
    };

    /// <summary>The value a string or number literal binds as.</summary>
    internal static object Bound(WhereLiteral literal) => literal.Kind switch
    {
        WhereLiteralKind.String => literal.String!,

        // An integral literal binds as an integer so ids beyond 2^53 compare exactly.
        WhereLiteralKind.Number => literal.Integer is { } integer ? (object)integer : literal.Number,
        _ => throw new ArgumentOutOfRangeException(nameof(literal), literal.Kind, "Only strings and numbers are bound."),
    };
}
