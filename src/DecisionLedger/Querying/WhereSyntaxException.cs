namespace DecisionLedger.Querying;

/// <summary>A malformed <c>--where</c> expression: names the column, what was expected and the token found.</summary>
public sealed class WhereSyntaxException : QueryException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameter">The parameter, e.g. <c>--where</c>.</param>
    /// <param name="column">The 1-based column of the offending token.</param>
    /// <param name="expected">What the parser expected, e.g. <c>an operator (=, !=, &lt;, &lt;=, &gt;, &gt;=)</c>.</param>
    /// <param name="found">The token found, quoted, or <c>end of input</c>.</param>
    /// <param name="hint">An optional extra sentence.</param>
    public WhereSyntaxException(string parameter, int column, string expected, string found, string? hint = null)
        : base(parameter, $"{parameter}: at column {column}, expected {expected} but found {found}" + (hint is null ? "" : $"; {hint}"))
    {
        Column = column;
        Expected = expected;
        Found = found;
    }

    /// <summary>The 1-based column of the offending token.</summary>
    public int Column { get; }

    /// <summary>What was expected.</summary>
    public string Expected { get; }

    /// <summary>The token found (quoted) or <c>end of input</c>.</summary>
    public string Found { get; }
}
