using System.Globalization;
using System.Text;
using DecisionLedger.Storage;
using DuckDB.NET.Data;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// <c>--where</c> predicates as DuckDB SQL over an archived row's entry or input, with the rules of
/// the live stores (types strict, an absent field matches nothing but <c>!=</c> never matches it,
/// strings compared by UTF-8 bytes, integers exactly). Every piece of SQL text is a constant of
/// this file; the JSON path and the value are bound parameters, and the path passed
/// <see cref="FieldPath"/>'s strict grammar.
/// </summary>
internal static class ArchiveWhereSql
{
    private const string EntryDocument = "decode(entry)";

    // A plaintext stored input is canonical JSON, so it starts with '{'; an encrypted one starts with
    // 0x01 and an erased one is NULL: both match nothing, and ciphertext never reaches decode().
    private const string InputDocument = "(CASE WHEN input[1:1] = '\\x7B'::BLOB THEN decode(input) END)";

    /// <summary>Appends <c> AND (…)</c> for each predicate and binds its parameters.</summary>
    public static void Append(DuckDBCommand command, StringBuilder sql, IReadOnlyList<FieldPredicate> predicates)
    {
        for (int i = 0; i < predicates.Count; i++)
        {
            FieldPredicate predicate = predicates[i];
            string document = predicate.Path.IsInput ? InputDocument : EntryDocument;
            string n = i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.Add(new DuckDBParameter("wp" + n, predicate.Path.ToJsonPath()));
            string type = $"json_type({document}, $wp{n})";
            string text = $"json_extract_string({document}, $wp{n})";
            sql.Append(" AND (").Append(Condition(predicate, type, text, n)).Append(')');
            WhereLiteral literal = predicate.Value;
            if (literal.Kind == WhereLiteralKind.String)
            {
                command.Parameters.Add(new DuckDBParameter("wv" + n, literal.String!));
            }
            else if (literal.Kind == WhereLiteralKind.Number)
            {
                command.Parameters.Add(new DuckDBParameter("wd" + n, literal.Number));
                if (literal.Integer is { } integer)
                {
                    command.Parameters.Add(new DuckDBParameter("wi" + n, integer));
                }
            }
        }
    }

    private static string Condition(FieldPredicate predicate, string type, string text, string n) => predicate.Operator switch
    {
        WhereOperator.Exists => $"{type} IS NOT NULL",
        WhereOperator.Equal => Compare(predicate.Value, type, text, "=", n),
        WhereOperator.NotEqual => $"{type} IS NOT NULL AND NOT COALESCE({Compare(predicate.Value, type, text, "=", n)}, false)",
        WhereOperator.Contains => $"{type} = 'VARCHAR' AND contains({text}, $wv{n})",
        WhereOperator.Less => Compare(predicate.Value, type, text, "<", n),
        WhereOperator.LessOrEqual => Compare(predicate.Value, type, text, "<=", n),
        WhereOperator.Greater => Compare(predicate.Value, type, text, ">", n),
        WhereOperator.GreaterOrEqual => Compare(predicate.Value, type, text, ">=", n),
        _ => throw new ArgumentOutOfRangeException(nameof(predicate), predicate.Operator, "Not a where operator."),
    };

    // Types are strict: "1" never equals 1, and ordering never mixes numbers and strings.
    private static string Compare(WhereLiteral literal, string type, string text, string op, string n) => literal.Kind switch
    {
        WhereLiteralKind.Boolean => $"{type} = 'BOOLEAN' AND {text} = '{(literal.Boolean ? "true" : "false")}'",
        WhereLiteralKind.Null => $"{type} = 'NULL'",
        WhereLiteralKind.String => $"{type} = 'VARCHAR' AND {text} {op} $wv{n}",

        // An integral literal compares exactly with an integral field (ids beyond 2^53), as a double otherwise.
        WhereLiteralKind.Number when literal.Integer is not null =>
            $"{type} IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND (CASE WHEN {type} = 'DOUBLE' THEN TRY_CAST({text} AS DOUBLE) {op} $wd{n} ELSE TRY_CAST({text} AS HUGEINT) {op} $wi{n} END)",
        WhereLiteralKind.Number => $"{type} IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND TRY_CAST({text} AS DOUBLE) {op} $wd{n}",
        _ => throw new ArgumentOutOfRangeException(nameof(literal), literal.Kind, "Not a comparable value."),
    };
}
