namespace DecisionLedger.Querying;

/// <summary>One token of a <c>--where</c> expression.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The source text (for strings, with the quotes).</param>
/// <param name="Column">1-based column of its first character.</param>
internal readonly record struct WhereToken(WhereTokenKind Kind, string Text, int Column)
{
    /// <summary>The token as messages show it: quoted text, or <c>end of input</c>.</summary>
    public string Display => Kind == WhereTokenKind.End ? "end of input" : Kind == WhereTokenKind.String ? Text : $"\"{Text}\"";
}
