using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Decisions;
using DecisionLedger.Server.CloudEvents;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Reads a dump of KServe inference-logger CloudEvents and pairs request and response by <c>ce-id</c>, as
/// the collector does: each event is read by the collector's own <see cref="InferenceEventReader"/> and each
/// pair (or half left alone) becomes a decision through its <see cref="InferenceDecisionBuilder"/>. Accepted
/// dumps: JSON Lines of structured-mode events (<c>application/cloudevents+json</c>, one a line), JSON Lines
/// of binary-mode captures (<c>{"headers":{"ce-id":…,"content-type":…},"body":…}</c> or <c>"body_base64"</c>),
/// or one JSON array of structured events (<c>application/cloudevents-batch+json</c>).
/// </summary>
internal sealed class KServeDumpReader(JsonLinesFile file, string defaultVersion) : IImportReader
{
    /// <summary>The <c>--format</c> name.</summary>
    public const string FormatName = "kserve-cloudevents";

    /// <summary>The <c>metadata.recordedAlone</c> of a half whose partner is not in the dump.</summary>
    public const string AloneReason = "partner-not-in-dump";

    private readonly InferenceDecisionBuilder _builder = new(DecisionParser.Default, defaultVersion);
    private readonly Dictionary<string, (InferenceEvent Event, string Location)> _pending = new(StringComparer.Ordinal);

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
        if (await file.PeekFirstByteAsync(cancellationToken).ConfigureAwait(false) == '[')
        {
            foreach (ImportRecord record in ReadBatch(await file.ReadAllAsync(cancellationToken).ConfigureAwait(false)))
            {
                yield return record;
            }
        }
        else
        {
            await foreach ((long number, byte[] line) in file.ReadLinesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!line.AsSpan().Trim(" \t"u8).IsEmpty && Accept($"line {number.ToString(CultureInfo.InvariantCulture)}", line) is { } record)
                {
                    yield return record;
                }
            }
        }

        // Halves whose partner never came: recorded alone, as the collector records them after its pairing timeout.
        foreach ((InferenceEvent half, string location) in _pending.Values.ToList())
        {
            yield return Decision(half.Kind == InferenceEventKind.Request ? (half, location) : null, half.Kind == InferenceEventKind.Response ? (half, location) : null, location);
        }

        _pending.Clear();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => file.DisposeAsync();

    private IEnumerable<ImportRecord> ReadBatch(byte[] bytes)
    {
        JsonDocument? document = null;
        string? problem = null;
        try
        {
            Utf8Bytes.Require(bytes, "file", "a CloudEvents batch is UTF-8 JSON");
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            problem = document.RootElement.ValueKind == JsonValueKind.Array ? null : "not a JSON array of CloudEvents";
        }
        catch (ImportFieldException exception)
        {
            problem = exception.Reason;
        }
        catch (JsonException exception)
        {
            problem = $"not a JSON array of CloudEvents ({exception.Message})";
        }

        if (problem is not null)
        {
            document?.Dispose();
            yield return ImportRecord.Bad("file", "file", problem);
            yield break;
        }

        using (document!)
        {
            int index = 0;
            foreach (JsonElement element in document!.RootElement.EnumerateArray())
            {
                index++;
                if (Accept($"event {index.ToString(CultureInfo.InvariantCulture)}", Encoding.UTF8.GetBytes(element.GetRawText())) is { } record)
                {
                    yield return record;
                }
            }
        }
    }

    /// <summary>Reads one event and pairs it; returns the record it completes (a pair, a redelivery, a refusal) or null when it waits.</summary>
    private ImportRecord? Accept(string location, byte[] bytes)
    {
        InferenceEvent half;
        try
        {
            Utf8Bytes.Require(bytes, "line", "a CloudEvents dump is UTF-8 JSON");
            half = Read(bytes);
        }
        catch (ImportFieldException exception)
        {
            return ImportRecord.Bad(location, exception.Field, exception.Reason);
        }
        catch (CloudEventFormatException exception)
        {
            return ImportRecord.Bad(location, exception.Field, exception.Problem);
        }

        if (!_pending.TryGetValue(half.Id, out (InferenceEvent Event, string Location) partner))
        {
            _pending.Add(half.Id, (half, location));
            return null;
        }

        if (partner.Event.Kind == half.Kind)
        {
            // The collector answers a redelivery 202 and a different half under the same id 409.
            return partner.Event.IsRedeliveryOf(half)
                ? new ImportRecord(location) { IsDuplicate = true }
                : ImportRecord.Bad(location, "ce-id", $"'{half.Id}' names a second {Kind(half)} with different data than the one at {partner.Location}");
        }

        _pending.Remove(half.Id);
        (InferenceEvent, string) mine = (half, location);
        return half.Kind == InferenceEventKind.Request
            ? Decision(mine, partner, $"{location} and {partner.Location}")
            : Decision(partner, mine, $"{partner.Location} and {location}");
    }

    private ImportRecord Decision((InferenceEvent Event, string Location)? request, (InferenceEvent Event, string Location)? response, string location)
    {
        Decision decision;
        try
        {
            decision = _builder.Build(request?.Event, response?.Event, request is null || response is null ? AloneReason : null);
        }
        catch (DecisionValidationException exception)
        {
            return ImportRecord.Bad(location, exception.Path, exception.Problem);
        }

        InferenceEvent first = (request ?? response)!.Value.Event;
        var origin = new JsonObject { ["file"] = file.Path, ["ceId"] = first.Id };
        if (request is { } r)
        {
            origin["request"] = r.Location;
        }

        if (response is { } s)
        {
            origin["response"] = s.Location;
        }

        return new ImportRecord(location)
        {
            Decision = JsonNode.Parse(DecisionJson.Serialize(decision))!.AsObject(),
            Origin = origin,
            IsUnpaired = request is null || response is null,
        };
    }

    private static InferenceEvent Read(byte[] bytes)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new ImportFieldException("line", $"not valid JSON ({exception.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFieldException("line", "not a JSON object; each line is one CloudEvent");
        }

        if (!root.TryGetProperty("headers", out JsonElement headers))
        {
            return InferenceEventReader.ReadStructured(bytes);
        }

        // A binary-mode capture: the HTTP headers as sent, and the body.
        if (headers.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFieldException("headers", "not a JSON object of header names and string values");
        }

        var dictionary = new HeaderDictionary();
        foreach (JsonProperty header in headers.EnumerateObject())
        {
            dictionary[header.Name] = header.Value.ValueKind == JsonValueKind.String
                ? header.Value.GetString()
                : throw new ImportFieldException("headers." + header.Name, "not a string");
        }

        byte[] body;
        if (root.TryGetProperty("body_base64", out JsonElement base64) && base64.ValueKind != JsonValueKind.Null)
        {
            body = base64.ValueKind == JsonValueKind.String && base64.TryGetBytesFromBase64(out byte[]? decoded)
                ? decoded
                : throw new ImportFieldException("body_base64", "not a base64 string");
        }
        else if (root.TryGetProperty("body", out JsonElement text) && text.ValueKind != JsonValueKind.Null)
        {
            body = text.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(text.GetString()!) : Encoding.UTF8.GetBytes(text.GetRawText());
        }
        else
        {
            body = [];
        }

        return InferenceEventReader.ReadBinary(dictionary, dictionary["Content-Type"].ToString() is { Length: > 0 } type ? type : null, body);
    }

    private static string Kind(InferenceEvent half) => half.Kind == InferenceEventKind.Request ? "request" : "response";
}
