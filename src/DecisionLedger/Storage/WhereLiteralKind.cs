namespace DecisionLedger.Storage;

/// <summary>The JSON type of a <see cref="WhereLiteral"/>.</summary>
public enum WhereLiteralKind
{
    /// <summary>No value: the operator is <see cref="WhereOperator.Exists"/>.</summary>
    None,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>JSON <c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>JSON <c>null</c>.</summary>
    Null,
}
