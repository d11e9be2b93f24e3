namespace DecisionLedger.Storage;

/// <summary>The whitelisted comparison operators of a <c>--where</c> predicate; nothing else reaches a store.</summary>
public enum WhereOperator
{
    /// <summary><c>=</c>: the field holds this exact JSON value (same type).</summary>
    Equal,

    /// <summary><c>!=</c>: the field is present and holds another value (or another type).</summary>
    NotEqual,

    /// <summary><c>&lt;</c>: numbers numerically, strings by UTF-8 byte order.</summary>
    Less,

    /// <summary><c>&lt;=</c>: numbers numerically, strings by UTF-8 byte order.</summary>
    LessOrEqual,

    /// <summary><c>&gt;</c>: numbers numerically, strings by UTF-8 byte order.</summary>
    Greater,

    /// <summary><c>&gt;=</c>: numbers numerically, strings by UTF-8 byte order.</summary>
    GreaterOrEqual,

    /// <summary><c>contains</c>: the field is a string containing this substring (case-sensitive).</summary>
    Contains,

    /// <summary><c>exists</c>: the field is present (any type, JSON null included); takes no value.</summary>
    Exists,
}
