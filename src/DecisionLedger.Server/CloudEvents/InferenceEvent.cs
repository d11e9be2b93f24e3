using System.Text.Json;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>One half of a KServe inference as the logger sent it, validated.</summary>
/// <param name="Id"><c>ce-id</c>: shared by the request and the response; becomes the decision's request id.</param>
/// <param name="Kind">Request or response, from <c>ce-type</c>.</param>
/// <param name="Source"><c>ce-source</c>.</param>
/// <param name="Time"><c>ce-time</c> (UTC), when sent.</param>
/// <param name="Service"><c>ce-inferenceservicename</c>: the model name.</param>
/// <param name="Namespace"><c>ce-namespace</c>, when sent.</param>
/// <param name="Component"><c>ce-component</c> (predictor, transformer, explainer), when sent.</param>
/// <param name="Endpoint"><c>ce-endpoint</c> (default or canary; often empty), when sent.</param>
/// <param name="Traceparent">The W3C <c>traceparent</c> of the event, when sent.</param>
/// <param name="Metadata"><c>ce-metadata</c>: the request headers KServe was told to log (a JSON object), when not empty.</param>
/// <param name="Annotations"><c>ce-annotations</c>: the InferenceService's annotations (a JSON object), when sent.</param>
/// <param name="Body">The event data as a JSON object: the inference body itself, or <c>{"datacontenttype","data_base64"}</c> when it is not a JSON object.</param>
/// <param name="DataDigest">SHA-256 of the event data's bytes, to tell a redelivered event from a different one with the same id (a digest, so a pending half and its journal line do not hold the data twice).</param>
internal sealed record InferenceEvent(
    string Id,
    InferenceEventKind Kind,
    string Source,
    DateTimeOffset? Time,
    string Service,
    string? Namespace,
    string? Component,
    string? Endpoint,
    string? Traceparent,
    JsonElement? Metadata,
    JsonElement? Annotations,
    JsonElement Body,
    byte[] DataDigest)
{
    /// <summary>
    /// Set on a half read back from the pending-halves journal, which holds halves only after the ledger's
    /// redaction policy (see <see cref="JournalRedactor"/>): what was applied, and the original body's fingerprint.
    /// Null on a half as received.
    /// </summary>
    public HalfRedaction? Redaction { get; init; }

    /// <summary>True when <paramref name="other"/> is the same event delivered again (same type, data and source).</summary>
    public bool IsRedeliveryOf(InferenceEvent other) =>
        Kind == other.Kind && string.Equals(Source, other.Source, StringComparison.Ordinal) && DataDigest.AsSpan().SequenceEqual(other.DataDigest);
}
