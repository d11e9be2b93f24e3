using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Reads a captured request's buffered body back as the decision input, leaving the body rewound.</summary>
internal static class CapturedInputReader
{
    // Bodies up to this size are read into a pooled array and parsed in one go; larger ones stream.
    private const int MaxPooledBody = 1024 * 1024;

    /// <summary>The buffered request body as the decision input: a JSON object as is, other JSON wrapped as <c>{"body": …}</c>, non-JSON as its text.</summary>
    public static async Task<JsonElement> ReadAsync(HttpRequest request)
    {
        // Without buffering (an endpoint whose delegate was not wrapped) the body is gone after binding.
        if (!request.Body.CanSeek || request.Body.Length == 0)
        {
            return CapturedJson.EmptyObject();
        }

        long length = request.Body.Length;
        request.Body.Position = 0;
        try
        {
            if (length <= MaxPooledBody)
            {
                // The buffered body is already in memory (or a small temp file): read it whole into a
                // pooled array and parse once, synchronously, into a document the decision owns.
                byte[] rented = ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    int read = await request.Body.ReadAtLeastAsync(rented.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, request.HttpContext.RequestAborted).ConfigureAwait(false);
                    return ParseInput(rented.AsSpan(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : CapturedJson.Wrap("body", document.RootElement);
        }
        catch (JsonException)
        {
            request.Body.Position = 0;
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            string text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return CapturedJson.ToElement(new JsonObject { ["body"] = text });
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static JsonElement ParseInput(ReadOnlySpan<byte> body)
    {
        JsonElement element = JsonElement.Parse(body);
        return element.ValueKind == JsonValueKind.Object ? element : CapturedJson.Wrap("body", element);
    }
}
