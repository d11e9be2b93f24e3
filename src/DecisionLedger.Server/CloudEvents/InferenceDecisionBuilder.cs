using System.Buffers;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Turns a request half and a response half (or one of them alone) into a decision: request id
/// <c>ce-id</c>, model <c>ce-inferenceservicename</c>, input the request body, output the response body,
/// latency between the two <c>ce-time</c>s, and the rest of the attributes in <c>metadata</c>.
/// </summary>
/// <param name="parser">Validates the decision, so a bad body is refused on arrival with the path at fault.</param>
/// <param name="defaultVersion">The model version when the response does not name one (<c>model_version</c>, Open Inference Protocol).</param>
internal sealed class InferenceDecisionBuilder(DecisionParser parser, string defaultVersion)
{
    /// <summary>The <c>metadata.capture</c> value of decisions recorded from CloudEvents.</summary>
    public const string CaptureName = "kserve-cloudevents";

    /// <summary>The decision of a pair, or of a half alone (<paramref name="aloneBecause"/> says why: timeout or shutdown).</summary>
    /// <exception cref="DecisionValidationException">A body breaks a decision limit (depth, string length, size); the path names it.</exception>
    public Decision Build(InferenceEvent? request, InferenceEvent? response, string? aloneBecause = null)
    {
        InferenceEvent first = request ?? response ?? throw new ArgumentException("request, response: at least one half is needed.", nameof(request));
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("requestId", first.Id);
            if ((request ?? response)?.Time is { } time)
            {
                json.WriteString("timestamp", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }

            json.WriteStartObject("model");
            json.WriteString("name", first.Service);
            json.WriteString("version", Version(response) ?? defaultVersion);
            json.WriteEndObject();

            json.WritePropertyName("input");
            WriteBody(json, request);
            json.WritePropertyName("output");
            WriteBody(json, response);
            if (request?.Time is { } sent && response?.Time is { } answered && answered >= sent)
            {
                json.WriteNumber("latencyMs", (answered - sent).TotalMilliseconds);
            }

            json.WriteStartObject("metadata");
            json.WriteString("capture", CaptureName);
            json.WriteString("ceSource", first.Source);
            WriteIfPresent(json, "namespace", first.Namespace);
            WriteIfPresent(json, "component", first.Component);
            WriteIfPresent(json, "endpoint", first.Endpoint);
            WriteIfPresent(json, "traceparent", first.Traceparent);
            if (request?.Time is { } requestTime)
            {
                json.WriteString("requestTime", requestTime.UtcDateTime);
            }

            if (response?.Time is { } responseTime)
            {
                json.WriteString("responseTime", responseTime.UtcDateTime);
            }

            if (first.Metadata is { } headers)
            {
                json.WritePropertyName("headers");
                headers.WriteTo(json);
            }

            if (first.Annotations is { } annotations)
            {
                json.WritePropertyName("annotations");
                annotations.WriteTo(json);
            }

            if (request is null || response is null)
            {
                json.WriteString("missingHalf", request is null ? "request" : "response");
                WriteIfPresent(json, "recordedAlone", aloneBecause);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return parser.Parse(buffer.WrittenSpan);
    }

    private static string? Version(InferenceEvent? response) =>
        response?.Body.TryGetProperty("model_version", out JsonElement version) == true && version.ValueKind == JsonValueKind.String && version.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static void WriteBody(Utf8JsonWriter json, InferenceEvent? half)
    {
        if (half is null)
        {
            // The half never arrived: an empty object, and metadata.missingHalf says which.
            json.WriteStartObject();
            json.WriteEndObject();
        }
        else
        {
            half.Body.WriteTo(json);
        }
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
