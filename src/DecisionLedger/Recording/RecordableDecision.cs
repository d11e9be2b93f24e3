using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Recording;

/// <summary>
/// The cheap checks a decision built in code gets on the hot path (a parsed one passed them in
/// <see cref="DecisionParser"/>): they keep the builder from meeting a decision it cannot
/// canonicalize, and cost a few comparisons.
/// </summary>
internal static class RecordableDecision
{
    /// <exception cref="DecisionValidationException">A required field is missing or malformed; the message names it.</exception>
    public static void Ensure(Decision decision)
    {
        if (decision.Model is null)
        {
            throw new DecisionValidationException("model", "required", "an object with name and version");
        }

        if (string.IsNullOrEmpty(decision.Model.Name))
        {
            throw new DecisionValidationException("model.name", "required", "a non-empty string");
        }

        if (string.IsNullOrEmpty(decision.Model.Version))
        {
            throw new DecisionValidationException("model.version", "required", "a non-empty string");
        }

        RequireObject(decision.Input, "input");
        RequireObject(decision.Output, "output");
        if (decision.Metadata is { } metadata)
        {
            RequireObject(metadata, "metadata");
        }

        if (decision.RequestId is { Length: 0 })
        {
            throw new DecisionValidationException("requestId", "empty", "a non-empty string, or omit it to have a UUIDv7 assigned");
        }

        if (decision.LatencyMs is { } latency && (!double.IsFinite(latency) || latency < 0))
        {
            throw new DecisionValidationException("latencyMs", $"{latency} is not a finite non-negative number", "a duration in milliseconds ≥ 0");
        }

        // The same text rules as the parser's, so no entry point lets through what another refuses.
        DecisionText.Ensure(decision);
    }

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(path, $"must be a JSON object; got {element.ValueKind}", "send a JSON object");
        }
    }
}
