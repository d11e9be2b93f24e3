namespace DecisionLedger.Redaction;

/// <summary>A compiled selector rule: the parsed path and what to do with the values it selects.</summary>
internal sealed class SelectorRule(JsonPathSelector selector, RedactionAction action)
{
    public JsonPathSelector Selector { get; } = selector;

    public PathSegment[] Segments { get; } = selector.Segments;

    public RedactionAction Action { get; } = action;
}
