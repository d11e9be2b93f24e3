namespace DecisionLedger.Server.CloudEvents;

/// <summary>A CloudEvent the collector cannot use; names the header (or member), the problem and the fix.</summary>
internal sealed class CloudEventFormatException(string field, string problem, string fix)
    : Exception($"{field}: {problem}; {fix}.")
{
    /// <summary>The header or structured-mode member at fault, e.g. <c>ce-type</c>.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;

    /// <summary>How to fix it.</summary>
    public string Fix { get; } = fix;
}
