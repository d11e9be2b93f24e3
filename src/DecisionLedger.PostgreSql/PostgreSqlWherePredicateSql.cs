using System.Globalization;
using System.Text;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Turns <see cref="FieldPredicate"/>s into SQL over the stored JSON, read as <c>jsonb</c>. Every
/// piece of SQL text comes from this file's constants, picked by the operator and the value's type;
/// the path (a <c>text[]</c>) and the value are bound parameters, and the path was validated against
/// <see cref="FieldPath"/>'s strict grammar before it got here. Caller text is never spliced in.
/// </summary>
/// <remarks>
/// Semantics match the SQLite store: a missing field yields SQL NULL, which no operator but
/// <c>exists</c> can turn true; equality is jsonb equality (type-strict: <c>"10"</c> ≠ <c>10</c>,
/// <c>true</c> ≠ <c>1</c>, numbers compared numerically); strings order by byte (<c>COLLATE "C"</c>).
/// </remarks>
internal static class PostgreSqlWherePredicateSql
{
    /// <summary>The alias of the entry's parsed body, joined once per row by <see cref="Joins"/>.</summary>
    private const string EntryDocument = "entry_json.doc";

    /// <summary>The alias of the parsed plaintext input, or NULL for erased or encrypted inputs.</summary>
    private const string InputDocument = "input_json.doc";

    /// <summary>
    /// The lateral joins that parse each row's body (and input) once, however many predicates read
    /// it. OFFSET 0 keeps the planner from inlining the subquery, which would parse once per use.
    /// Plaintext inputs are canonical JSON and start with '{'; encrypted ones start with 0x01 and
    /// erased ones have no row: both give NULL. CASE is lazy, so ciphertext is never parsed.
    /// </summary>
    public static string Joins(IReadOnlyList<FieldPredicate> predicates, string schema)
    {
        var sql = new StringBuilder();
        if (predicates.Any(p => !p.Path.IsInput))
        {
            sql.Append(" CROSS JOIN LATERAL (SELECT convert_from(body, 'UTF8')::jsonb AS doc OFFSET 0) AS entry_json");
        }

        if (predicates.Any(p => p.Path.IsInput))
        {
            sql.Append(" LEFT JOIN LATERAL (SELECT CASE WHEN substring(i.input FROM 1 FOR 1) = '\\x7b'::bytea THEN convert_from(i.input, 'UTF8')::jsonb END AS doc FROM ")
                .Append(schema).Append(".inputs i WHERE i.seq = entries.seq OFFSET 0) AS input_json ON true");
        }

        return sql.ToString();
    }

    /// <summary>Appends <c> AND (…)</c> for each predicate and binds its parameters.</summary>
    public static void Append(NpgsqlCommand command, StringBuilder sql, IReadOnlyList<FieldPredicate> predicates)
    {
        for (int i = 0; i < predicates.Count; i++)
        {
            FieldPredicate predicate = predicates[i];
            string suffix = i.ToString(CultureInfo.InvariantCulture);
            string path = "wp" + suffix;
            string value = "wv" + suffix;
            IEnumerable<string> names = predicate.Path.IsInput ? predicate.Path.Names.Skip(1) : predicate.Path.Names;
            command.Parameters.Add(new NpgsqlParameter<string[]>(path, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. names] });
            string field = $"({(predicate.Path.IsInput ? InputDocument : EntryDocument)} #> @{path})";
            sql.Append(" AND (").Append(Condition(predicate, field, "@" + value)).Append(')');
            Bind(command, value, predicate);
        }
    }

    private static string Condition(FieldPredicate predicate, string field, string value) => predicate.Operator switch
    {
        WhereOperator.Exists => $"{field} IS NOT NULL",
        WhereOperator.Equal => $"{field} = {value}",
        WhereOperator.NotEqual => $"{field} <> {value}",
        WhereOperator.Contains => $"jsonb_typeof({field}) = 'string' AND strpos({field} #>> '{{}}', {value}) > 0",
        WhereOperator.Less => Ordered(predicate.Value, field, "<", value),
        WhereOperator.LessOrEqual => Ordered(predicate.Value, field, "<=", value),
        WhereOperator.Greater => Ordered(predicate.Value, field, ">", value),
        WhereOperator.GreaterOrEqual => Ordered(predicate.Value, field, ">=", value),
        _ => throw new ArgumentOutOfRangeException(nameof(predicate), predicate.Operator, "Not a where operator."),
    };

    // Types are strict: ordering never mixes numbers and strings. Numbers compare as jsonb (numeric,
    // exact); strings as text by byte order, not by the database's collation.
    private static string Ordered(WhereLiteral literal, string field, string op, string value) => literal.Kind switch
    {
        WhereLiteralKind.Number => $"jsonb_typeof({field}) = 'number' AND {field} {op} {value}",
        WhereLiteralKind.String => $"jsonb_typeof({field}) = 'string' AND ({field} #>> '{{}}') COLLATE \"C\" {op} {value} COLLATE \"C\"",
        _ => throw new ArgumentOutOfRangeException(nameof(literal), literal.Kind, "Only strings and numbers are compared by order."),
    };

    private static void Bind(NpgsqlCommand command, string name, FieldPredicate predicate)
    {
        WhereLiteral literal = predicate.Value;
        bool asText = predicate.Operator == WhereOperator.Contains
            || (literal.Kind == WhereLiteralKind.String && predicate.Operator is WhereOperator.Less or WhereOperator.LessOrEqual or WhereOperator.Greater or WhereOperator.GreaterOrEqual);
        if (predicate.Operator == WhereOperator.Exists)
        {
            return;
        }

        if (asText)
        {
            command.Parameters.Add(new NpgsqlParameter<string>(name, NpgsqlDbType.Text) { TypedValue = literal.String! });
            return;
        }

        command.Parameters.Add(new NpgsqlParameter<string>(name, NpgsqlDbType.Jsonb) { TypedValue = Json(literal) });
    }

    // The value as JSON text for a jsonb parameter. Numbers are re-printed rather than passed through,
    // so a literal built in code (e.g. "+5", which double parsing accepts) still binds as valid JSON.
    private static string Json(WhereLiteral literal) => literal.Kind switch
    {
        WhereLiteralKind.Number => literal.Integer is { } integer
            ? integer.ToString(CultureInfo.InvariantCulture)
            : literal.Number.ToString("R", CultureInfo.InvariantCulture),
        _ => literal.Json,
    };
}
