using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>What a scorer returned for one input: the model's response, or why there is none.</summary>
public sealed record ReplayScore
{
    private ReplayScore()
    {
    }

    /// <summary>The model's response (a JSON document the output mapping reads); null when not replayable.</summary>
    public JsonElement? Response { get; private init; }

    /// <summary>Why the decision cannot be replayed (one of <see cref="ReplayReasons"/>); null when scored.</summary>
    public string? Reason { get; private init; }

    /// <summary>A sentence for the reader: the detail of <see cref="Reason"/>, or a warning about a scored response (e.g. an artifact whose bytes do not match its digest).</summary>
    public string? Detail { get; private init; }

    /// <summary>A scored response.</summary>
    /// <param name="response">The model's response.</param>
    /// <param name="warning">Something the reader must know about this score; null when nothing.</param>
    /// <returns>The score.</returns>
    public static ReplayScore Scored(JsonElement response, string? warning = null) => new() { Response = response.Clone(), Detail = warning };

    /// <summary>A decision that cannot be replayed.</summary>
    /// <param name="reason">One of <see cref="ReplayReasons"/>.</param>
    /// <param name="detail">A sentence saying what is missing and where it was looked for.</param>
    /// <returns>The score.</returns>
    public static ReplayScore NotReplayable(string reason, string detail)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new() { Reason = reason, Detail = detail };
    }
}
