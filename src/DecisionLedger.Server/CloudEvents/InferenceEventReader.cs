using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Reads a KServe inference logger event from an HTTP request: binary mode (attributes in <c>ce-*</c>
/// headers, the inference body as the request body), or structured mode (<c>application/cloudevents+json</c>).
/// </summary>
internal static class InferenceEventReader
{
    private const string TypeFix = "send '" + KServeCloudEvents.RequestType + "' or '" + KServeCloudEvents.ResponseType + "'";

    /// <summary>True when the request is a structured-mode event (<c>application/cloudevents+json</c>).</summary>
    /// <exception cref="CloudEventFormatException">The request is a batch (<c>application/cloudevents-batch+json</c>), which is not supported.</exception>
    public static bool IsStructured(HttpRequest request)
    {
        string? mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? parsed) ? parsed.MediaType.Value : null;
        return string.Equals(mediaType, KServeCloudEvents.StructuredMediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the request is a batch of events, which the collector refuses with 415.</summary>
    public static bool IsBatch(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? parsed)
        && string.Equals(parsed.MediaType.Value, KServeCloudEvents.BatchMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a binary-mode event: attributes from the headers, <paramref name="body"/> as its data.</summary>
    /// <exception cref="CloudEventFormatException">A header is missing or invalid, or the body is not what its Content-Type says.</exception>
    public static InferenceEvent ReadBinary(IHeaderDictionary headers, string? contentType, byte[] body)
    {
        string? Attribute(string attribute)
        {
            string? value = headers[KServeCloudEvents.Header(attribute)];
            if (value is null && attribute == KServeCloudEvents.TraceparentAttribute)
            {
                // The HTTP binding of the distributed-tracing extension is the plain W3C header.
                value = headers[KServeCloudEvents.TraceparentAttribute];
            }

            return value is null ? null : Unescape(KServeCloudEvents.Header(attribute), value.Trim());
        }

        return Build(Attribute, KServeCloudEvents.Header, contentType, body);
    }

    /// <summary>Reads a structured-mode event: one JSON object with the attributes as members and the data in <c>data</c> or <c>data_base64</c>.</summary>
    /// <exception cref="CloudEventFormatException">A member is missing or invalid, or the body is not a JSON object.</exception>
    public static InferenceEvent ReadStructured(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new CloudEventFormatException("body", "not valid JSON (" + exception.Message + ")", "send one CloudEvent as a JSON object (application/cloudevents+json)");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CloudEventFormatException("body", "not a JSON object", "send one CloudEvent as a JSON object (application/cloudevents+json)");
            }

            // Looking a member up decodes the names it passes, and throws on invalid text: check all of it first.
            EventText.Recordable("body", root);

            string? Member(string name)
            {
                if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                return value.ValueKind == JsonValueKind.String
                    ? EventText.StringOf(value, name)
                    : throw new CloudEventFormatException(name, "not a string", "send the attribute as a JSON string");
            }

            byte[] data;
            string? contentType = Member("datacontenttype");
            if (root.TryGetProperty("data_base64", out JsonElement base64) && base64.ValueKind != JsonValueKind.Null)
            {
                data = base64.ValueKind == JsonValueKind.String && base64.TryGetBytesFromBase64(out byte[]? bytes)
                    ? bytes
                    : throw new CloudEventFormatException("data_base64", "not a base64 string", "send the data as standard base64, or as JSON in 'data'");
            }
            else if (root.TryGetProperty("data", out JsonElement json) && json.ValueKind != JsonValueKind.Null)
            {
                // JSON data is the inference body itself; a string is text data.
                data = json.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(EventText.StringOf(json, "data")) : Encoding.UTF8.GetBytes(json.GetRawText());
                contentType ??= json.ValueKind == JsonValueKind.String ? "text/plain" : "application/json";
            }
            else
            {
                data = [];
            }

            return Build(Member, name => name, contentType, data);
        }
    }

    /// <summary>Validates the attributes <paramref name="read"/> returns (by attribute name); <paramref name="header"/> names them in errors.</summary>
    private static InferenceEvent Build(Func<string, string?> read, Func<string, string> header, string? contentType, byte[] data)
    {
        // Every attribute ends up in the ledger (as requestId, model name or metadata): only Unicode text without NUL is.
        string? Read(string attribute) => read(attribute) is { } value ? EventText.Recordable(header(attribute), value) : null;
        string Required(string attribute, string fix) =>
            Read(attribute) is { Length: > 0 } value ? value : throw new CloudEventFormatException(header(attribute), "missing or empty", fix);

        string specVersion = Required(KServeCloudEvents.SpecVersionAttribute, "send specversion 1.0 (ce-specversion in binary mode)");
        string id = Required(KServeCloudEvents.IdAttribute, "send the event id; KServe sends the inference's id, the same for request and response");
        string source = Required(KServeCloudEvents.SourceAttribute, "send the event source, e.g. http://localhost:9081/");
        string type = Required(KServeCloudEvents.TypeAttribute, TypeFix);
        string service = Required(KServeCloudEvents.ServiceAttribute, "send the InferenceService name; it is the model name of the decision");
        string? time = Read(KServeCloudEvents.TimeAttribute);
        if (!string.Equals(specVersion, KServeCloudEvents.SpecVersion, StringComparison.Ordinal))
        {
            throw new CloudEventFormatException(header(KServeCloudEvents.SpecVersionAttribute), $"'{specVersion}' is not supported", "send CloudEvents 1.0");
        }

        InferenceEventKind kind = type switch
        {
            KServeCloudEvents.RequestType => InferenceEventKind.Request,
            KServeCloudEvents.ResponseType => InferenceEventKind.Response,
            _ => throw new CloudEventFormatException(header(KServeCloudEvents.TypeAttribute), $"'{type}' is not a KServe inference event", TypeFix),
        };

        if (id.Length > Decisions.DecisionLimits.DefaultMaxRequestIdLength || id.Any(char.IsControl))
        {
            throw new CloudEventFormatException(header(KServeCloudEvents.IdAttribute), $"longer than {Decisions.DecisionLimits.DefaultMaxRequestIdLength} characters or holds control characters", "send a shorter printable id (it becomes the decision's requestId)");
        }

        EventText.RequireIdentifier(header(KServeCloudEvents.IdAttribute), id, "it becomes the decision's requestId");
        EventText.RequireIdentifier(header(KServeCloudEvents.ServiceAttribute), service, "it becomes the decision's model name");

        DateTimeOffset? parsedTime = null;
        if (!string.IsNullOrEmpty(time))
        {
            parsedTime = DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value) && time.Contains('T', StringComparison.OrdinalIgnoreCase)
                ? value
                : throw new CloudEventFormatException(header(KServeCloudEvents.TimeAttribute), $"'{time}' is not an RFC 3339 timestamp", "send e.g. 2026-11-23T12:00:00.123456789Z");
        }

        return new InferenceEvent(
            id,
            kind,
            source,
            parsedTime,
            service,
            NullIfEmpty(Read(KServeCloudEvents.NamespaceAttribute)),
            NullIfEmpty(Read(KServeCloudEvents.ComponentAttribute)),
            NullIfEmpty(Read(KServeCloudEvents.EndpointAttribute)),
            NullIfEmpty(Read(KServeCloudEvents.TraceparentAttribute)),
            EventText.Recordable(header(KServeCloudEvents.MetadataAttribute), JsonObjectOrNull(header(KServeCloudEvents.MetadataAttribute), Read(KServeCloudEvents.MetadataAttribute))),
            EventText.Recordable(header(KServeCloudEvents.AnnotationsAttribute), JsonObjectOrNull(header(KServeCloudEvents.AnnotationsAttribute), Read(KServeCloudEvents.AnnotationsAttribute))),
            EventText.Recordable("body", Body(contentType, data)),
            System.Security.Cryptography.SHA256.HashData(data));
    }

    /// <summary>The inference body as a JSON object; anything else is kept whole as <c>{"datacontenttype","data_base64"}</c>.</summary>
    private static JsonElement Body(string? contentType, byte[] data)
    {
        string? mediaType = MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed) ? parsed.MediaType.Value : null;
        bool declaredJson = mediaType is not null
            && (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        try
        {
            using JsonDocument document = JsonDocument.Parse(data);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                // The JSON reader does not check UTF-8, and writing the body into the decision would turn each
                // invalid byte into U+FFFD silently. Declared JSON is refused; anything else is kept as bytes.
                if (System.Text.Unicode.Utf8.IsValid(data))
                {
                    RequireWritable(document.RootElement, data);
                    return document.RootElement.Clone();
                }

                if (declaredJson)
                {
                    throw new CloudEventFormatException("body", "not valid UTF-8", "send the inference body as JSON encoded in UTF-8");
                }
            }
        }
        catch (JsonException exception) when (declaredJson)
        {
            throw new CloudEventFormatException("body", $"not valid JSON although Content-Type is '{contentType}' ({exception.Message})", "send the inference body as JSON, or the Content-Type it really has");
        }
        catch (JsonException)
        {
            // Not JSON and not declared JSON (KServe forwards the model request's own Content-Type): kept as bytes below.
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (contentType is not null)
            {
                writer.WriteString("datacontenttype", contentType);
            }

            writer.WriteBase64String("data_base64", data);
            writer.WriteEndObject();
        }

        using JsonDocument wrapped = JsonDocument.Parse(buffer.WrittenMemory);
        return wrapped.RootElement.Clone();
    }

    // An escape that decodes to an unpaired surrogate (\ud800 alone) cannot be written out again: it would
    // fail later, in the journal or the decision builder, as a server error. Only bodies with escapes are tried.
    private static void RequireWritable(JsonElement body, byte[] data)
    {
        if (!data.AsSpan().Contains((byte)'\\'))
        {
            return;
        }

        try
        {
            using var sink = new Utf8JsonWriter(Stream.Null);
            body.WriteTo(sink);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            throw new CloudEventFormatException("body", "contains an escape that is not valid Unicode (an unpaired surrogate such as \\ud800)", "send valid Unicode text: \\ud800–\\udfff escapes only as high-low pairs");
        }
    }

    private static JsonElement? JsonObjectOrNull(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text is "null" or "{}")
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
        }

        throw new CloudEventFormatException(field, "not a JSON object", "send a JSON object (KServe sends the logged request headers as {\"Name\":[\"value\"]}), or omit it");
    }

    /// <summary>Binary-mode header values are percent-encoded (CloudEvents HTTP binding 3.1.3.2).</summary>
    private static string Unescape(string header, string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            throw new CloudEventFormatException(header, "bad percent-encoding", "percent-encode as UTF-8 (%XX)");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
