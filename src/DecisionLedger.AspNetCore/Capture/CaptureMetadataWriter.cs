using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// The <c>metadata</c> of a captured decision: endpoint, method, status, client IP and W3C traceparent, then
/// whatever the endpoint added through <see cref="IDecisionContext"/> (its keys win).
/// </summary>
internal static class CaptureMetadataWriter
{
    // Written straight to UTF-8 (a pooled, per-thread writer) rather than built as a JsonObject tree
    // and serialized: the same bytes without a dozen node allocations per request.
    public static JsonElement Write(HttpContext http, string endpoint, int status, IDecisionContext? context, JsonSerializerOptions json)
    {
        CaptureJsonWriter buffer = CaptureJsonWriter.Rent();
        try
        {
            Utf8JsonWriter writer = buffer.Writer;
            writer.WriteStartObject();
            writer.WriteString("endpoint", endpoint);
            writer.WriteString("method", http.Request.Method);
            writer.WriteNumber("status", status);
            if (http.Connection.RemoteIpAddress is { } ip)
            {
                Span<char> text = stackalloc char[64];
                if (ip.TryFormat(text, out int written))
                {
                    writer.WriteString("ip", text[..written]);
                }
                else
                {
                    writer.WriteString("ip", ip.ToString());
                }
            }

            if (TraceParent(http) is { } traceparent)
            {
                writer.WriteString("traceparent", traceparent);
            }

            if (context is not null && context.Metadata.Count > 0)
            {
                // Keys set by the endpoint replace the built-in ones, as they did when this was a JsonObject.
                foreach ((string key, object? value) in context.Metadata)
                {
                    if (key is "endpoint" or "method" or "status" or "ip" or "traceparent")
                    {
                        return MetadataWithOverrides(http, endpoint, status, context, json);
                    }
                }

                foreach ((string key, object? value) in context.Metadata)
                {
                    writer.WritePropertyName(key);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, json.GetTypeInfo(value.GetType()));
                    }
                }
            }

            writer.WriteEndObject();
            return buffer.ToElement();
        }
        finally
        {
            buffer.Return();
        }
    }

    // The rare endpoint that overrides a built-in metadata key: build it as a node tree, last write wins.
    private static JsonElement MetadataWithOverrides(HttpContext http, string endpoint, int status, IDecisionContext context, JsonSerializerOptions json)
    {
        var metadata = new JsonObject
        {
            ["endpoint"] = endpoint,
            ["method"] = http.Request.Method,
            ["status"] = status,
        };
        if (http.Connection.RemoteIpAddress is { } ip)
        {
            metadata["ip"] = ip.ToString();
        }

        if (TraceParent(http) is { } traceparent)
        {
            metadata["traceparent"] = traceparent;
        }

        foreach ((string key, object? value) in context.Metadata)
        {
            metadata[key] = value is null ? null : JsonSerializer.SerializeToNode(value, json.GetTypeInfo(value.GetType()));
        }

        return CapturedJson.ToElement(metadata);
    }

    private static string? TraceParent(HttpContext http)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return activity.Id;
        }

        string? header = RequestHeaders.First(http, "traceparent");
        return header;
    }
}
