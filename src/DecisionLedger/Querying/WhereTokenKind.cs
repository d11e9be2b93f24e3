namespace DecisionLedger.Querying;

/// <summary>What a <see cref="WhereToken"/> is.</summary>
internal enum WhereTokenKind
{
    /// <summary>A run of letters, digits, '_', '-' and '.' starting with a letter or '_': a path or a keyword.</summary>
    Word,

    /// <summary>A JSON string in double quotes.</summary>
    String,

    /// <summary>Something starting with a digit or '-': a JSON number if it is well formed.</summary>
    Number,

    /// <summary>A run of <c>= ! &lt; &gt;</c>: an operator if it is one of the six.</summary>
    Symbol,

    /// <summary>Any other character.</summary>
    Other,

    /// <summary>The end of the expression.</summary>
    End,
}
