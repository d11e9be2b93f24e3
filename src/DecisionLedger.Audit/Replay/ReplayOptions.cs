using DecisionLedger.Encryption;

namespace DecisionLedger.Replay;

/// <summary>How a replay compares: the output mapping, the tolerances, and the key that opens encrypted inputs.</summary>
public sealed record ReplayOptions
{
    /// <summary>Rules placing response values at output paths; empty by default (each recorded member is read from the response member of the same name).</summary>
    public IReadOnlyList<OutputMapping> Mappings { get; init; } = [];

    /// <summary>Number tolerances; by default 1e-6 for every number (<see cref="ReplayTolerances.DefaultTolerance"/>).</summary>
    public ReplayTolerances Tolerances { get; init; } = new();

    /// <summary>The master key that opens encrypted stored inputs; null leaves them unreadable (not replayable).</summary>
    public MasterKey? MasterKey { get; init; }
}
