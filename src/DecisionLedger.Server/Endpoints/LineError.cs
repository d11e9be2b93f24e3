namespace DecisionLedger.Server.Endpoints;

/// <summary>One refused line of an NDJSON batch.</summary>
internal sealed record LineError(long Line, string Path, string Problem, string Fix)
{
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["line"] = Line,
        ["path"] = Path,
        ["problem"] = Problem,
        ["fix"] = Fix,
    };
}
