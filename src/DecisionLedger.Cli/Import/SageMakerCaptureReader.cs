using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Reads SageMaker Data Capture files: JSON Lines, one inference a line, with
/// <c>captureData.endpointInput</c> / <c>endpointOutput</c> (<c>observedContentType</c>, <c>mode</c>, <c>data</c>,
/// <c>encoding</c> CSV, JSON or BASE64), <c>eventMetadata</c> (<c>eventId</c>, <c>inferenceId</c>, <c>inferenceTime</c>)
/// and <c>eventVersion</c>. The capture holds no model name, so <c>--model</c> gives it; the request id is <c>eventId</c>.
/// </summary>
internal sealed class SageMakerCaptureReader(JsonLinesFile file, string model, string version) : IImportReader
{
    /// <summary>The <c>--format</c> name.</summary>
    public const string FormatName = "sagemaker-capture";

    /// <inheritdoc />
    public string Format => FormatName;

    /// <inheritdoc />
    public string Source => file.Path;

    /// <inheritdoc />
    public long Length => file.Length;

    /// <inheritdoc />
    public long Position => file.Position;

    /// <inheritdoc />
    public async IAsyncEnumerable<ImportRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach ((long number, byte[] line) in file.ReadLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (line.AsSpan().Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            string location = $"line {number.ToString(CultureInfo.InvariantCulture)}";
            ImportRecord record;
            try
            {
                record = Read(location, number, line);
            }
            catch (ImportFieldException exception)
            {
                record = ImportRecord.Bad(location, exception.Field, exception.Reason);
            }

            yield return record;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => file.DisposeAsync();

    private ImportRecord Read(string location, long number, byte[] line)
    {
        Utf8Bytes.Require(line, "line", "SageMaker writes UTF-8 JSON Lines, so the file is damaged here");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException exception)
        {
            throw new ImportFieldException("line", $"not valid JSON ({exception.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ImportFieldException("line", "not a JSON object; each line is one captured inference");
            }

            JsonElement capture = Object(root, "captureData", "captureData", required: true)!.Value;
            JsonElement metadata = Object(root, "eventMetadata", "eventMetadata", required: true)!.Value;
            string eventId = Text(metadata, "eventId", "eventMetadata.eventId", required: true)!;
            string inferenceTime = Text(metadata, "inferenceTime", "eventMetadata.inferenceTime", required: true)!;
            if (!inferenceTime.Contains('T', StringComparison.OrdinalIgnoreCase)
                || !DateTimeOffset.TryParse(inferenceTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time))
            {
                throw new ImportFieldException("eventMetadata.inferenceTime", $"'{inferenceTime}' is not an ISO 8601 time such as 2026-11-23T12:00:01Z");
            }

            var origin = new JsonObject { ["file"] = file.Path, ["line"] = number, ["eventId"] = eventId };
            if (Text(metadata, "inferenceId", "eventMetadata.inferenceId", required: false) is { } inferenceId)
            {
                origin["inferenceId"] = inferenceId;
            }

            origin["inferenceTime"] = inferenceTime;
            if (metadata.TryGetProperty("customAttributes", out JsonElement custom) && custom.ValueKind != JsonValueKind.Null)
            {
                origin["customAttributes"] = JsonNode.Parse(custom.GetRawText());
            }

            if (Text(root, "eventVersion", "eventVersion", required: false) is { } eventVersion)
            {
                origin["eventVersion"] = eventVersion;
            }

            JsonObject? input = Payload(capture, "endpointInput", "INPUT", origin, "input");
            JsonObject? output = Payload(capture, "endpointOutput", "OUTPUT", origin, "output");
            if (input is null && output is null)
            {
                throw new ImportFieldException("captureData", "holds neither endpointInput nor endpointOutput");
            }

            var decision = new JsonObject
            {
                ["requestId"] = eventId,
                ["timestamp"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["model"] = new JsonObject { ["name"] = model, ["version"] = version },
                ["input"] = input ?? new JsonObject(),
                ["output"] = output ?? new JsonObject(),
            };
            if (input is null || output is null)
            {
                // Capture mode Input or Output only: the missing side is an empty object, and said so.
                origin["missing"] = input is null ? "endpointInput" : "endpointOutput";
            }

            return new ImportRecord(location) { Decision = decision, Origin = origin };
        }
    }

    private static JsonObject? Payload(JsonElement capture, string name, string mode, JsonObject origin, string side)
    {
        string path = "captureData." + name;
        if (Object(capture, name, path, required: false) is not { } half)
        {
            return null;
        }

        string? contentType = Text(half, "observedContentType", path + ".observedContentType", required: false);
        string encoding = Text(half, "encoding", path + ".encoding", required: true)!;
        string data = Text(half, "data", path + ".data", required: true)!;
        if (Text(half, "mode", path + ".mode", required: false) is { } declared && !string.Equals(declared, mode, StringComparison.Ordinal))
        {
            throw new ImportFieldException(path + ".mode", $"'{declared}' where SageMaker writes '{mode}'");
        }

        if (contentType is not null)
        {
            origin[side + "ContentType"] = contentType;
        }

        origin[side + "Encoding"] = encoding;
        switch (encoding)
        {
            case "CSV":
                return PayloadJson.FromText(data, contentType ?? "text/csv");
            case "JSON":
                return PayloadJson.FromJsonText(data, contentType, path + ".data");
            case "BASE64":
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(data);
                }
                catch (FormatException)
                {
                    throw new ImportFieldException(path + ".data", "encoding is BASE64 but the data is not base64");
                }

                return PayloadJson.FromBytes(bytes, contentType);
            default:
                throw new ImportFieldException(path + ".encoding", $"'{encoding}' is not CSV, JSON or BASE64");
        }
    }

    private static JsonElement? Object(JsonElement parent, string name, string path, bool required)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new ImportFieldException(path, "missing") : null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new ImportFieldException(path, "not a JSON object");
    }

    private static string? Text(JsonElement parent, string name, string path, bool required)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new ImportFieldException(path, "missing") : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ImportFieldException(path, "not a string");
        }

        string text = value.GetString()!;
        return required && text.Length == 0 ? throw new ImportFieldException(path, "empty") : text;
    }
}
