namespace DecisionLedger.Storage;

/// <summary>
/// One typed condition on a decision's field, e.g. <c>output.score &gt;= 0.9</c>. A field that is
/// absent never matches, except that <see cref="WhereOperator.Exists"/> asks exactly that. Types
/// are strict: <c>"1"</c> does not equal <c>1</c>, and <c>true</c> does not equal <c>1</c>.
/// </summary>
public sealed record FieldPredicate
{
    /// <summary>Creates a predicate, checking the operator fits the value.</summary>
    /// <param name="path">The validated field path.</param>
    /// <param name="op">The whitelisted operator.</param>
    /// <param name="value">The literal; <see cref="WhereLiteral.None"/> for <see cref="WhereOperator.Exists"/> only.</param>
    /// <exception cref="ArgumentException">The operator does not take this kind of value (e.g. <c>&lt; true</c>, <c>contains 3</c>).</exception>
    public FieldPredicate(FieldPath path, WhereOperator op, WhereLiteral value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        string? problem = Problem(op, value.Kind);
        if (problem is not null)
        {
            throw new ArgumentException($"{path} {Symbol(op)} {value.Json}: {problem}", nameof(value));
        }

        Path = path;
        Operator = op;
        Value = value;
    }

    /// <summary>The field.</summary>
    public FieldPath Path { get; }

    /// <summary>The operator.</summary>
    public WhereOperator Operator { get; }

    /// <summary>The value compared with.</summary>
    public WhereLiteral Value { get; }

    /// <summary>The operator as written in an expression.</summary>
    /// <param name="op">The operator.</param>
    public static string Symbol(WhereOperator op) => op switch
    {
        WhereOperator.Equal => "=",
        WhereOperator.NotEqual => "!=",
        WhereOperator.Less => "<",
        WhereOperator.LessOrEqual => "<=",
        WhereOperator.Greater => ">",
        WhereOperator.GreaterOrEqual => ">=",
        WhereOperator.Contains => "contains",
        WhereOperator.Exists => "exists",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a where operator."),
    };

    /// <summary>Why <paramref name="op"/> cannot take a value of <paramref name="kind"/>, or null when it can.</summary>
    internal static string? Problem(WhereOperator op, WhereLiteralKind kind) => op switch
    {
        WhereOperator.Exists => kind == WhereLiteralKind.None ? null : "exists takes no value",
        _ when kind == WhereLiteralKind.None => $"{Symbol(op)} needs a value",
        WhereOperator.Equal or WhereOperator.NotEqual => null,
        WhereOperator.Contains => kind == WhereLiteralKind.String ? null : "contains takes a string in double quotes",
        WhereOperator.Less or WhereOperator.LessOrEqual or WhereOperator.Greater or WhereOperator.GreaterOrEqual =>
            kind is WhereLiteralKind.Number or WhereLiteralKind.String ? null : $"{Symbol(op)} compares numbers or strings only",
        _ => "unknown operator",
    };

    /// <summary>The predicate as a canonical expression, e.g. <c>output.score &gt;= 0.9</c>.</summary>
    public override string ToString() =>
        Operator == WhereOperator.Exists ? $"{Path} exists" : $"{Path} {Symbol(Operator)} {Value.Json}";
}
