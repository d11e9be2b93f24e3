using System.Buffers;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// The lines of the <see cref="PendingHalfJournal"/>: <c>{"op":"half","id","kind","received",…event}</c> when a half
/// is accepted, <c>{"op":"done","id","kind"}</c> once it is recorded (paired or alone). One JSON object per line.
/// A half written by the collector is redacted (<see cref="JournalRedactor.RedactHalf"/>): its line also holds
/// <c>redactions</c> (what was applied) and, for a request, <c>inputFingerprint</c> (hex). A line without
/// <c>redactions</c> is a half as received (journals written before redaction); the journal redacts it on open.
/// </summary>
internal static class PendingHalfCodec
{
    public const string HalfOp = "half";
    public const string DoneOp = "done";

    /// <summary>The line (with its newline) holding <paramref name="half"/>, accepted at <paramref name="received"/>.</summary>
    public static byte[] EncodeHalf(InferenceEvent half, DateTimeOffset received)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("op", HalfOp);
            json.WriteString("id", half.Id);
            json.WriteString("kind", KindName(half.Kind));
            json.WriteString("received", received.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("source", half.Source);
            if (half.Time is { } time)
            {
                json.WriteString("time", time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }

            json.WriteString("service", half.Service);
            WriteIfPresent(json, "namespace", half.Namespace);
            WriteIfPresent(json, "component", half.Component);
            WriteIfPresent(json, "endpoint", half.Endpoint);
            WriteIfPresent(json, "traceparent", half.Traceparent);
            if (half.Metadata is { } metadata)
            {
                json.WritePropertyName("metadata");
                metadata.WriteTo(json);
            }

            if (half.Annotations is { } annotations)
            {
                json.WritePropertyName("annotations");
                annotations.WriteTo(json);
            }

            json.WriteBase64String("dataSha256", half.DataDigest);
            if (half.Redaction is { } redaction)
            {
                json.WriteStartArray("redactions");
                foreach (AppliedRedaction applied in redaction.Applied)
                {
                    json.WriteStartObject();
                    json.WriteString("path", applied.Path);
                    json.WriteString("rule", applied.Rule);
                    json.WriteString("operator", applied.Operator);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                if (redaction.InputFingerprint is { } fingerprint)
                {
                    json.WriteString("inputFingerprint", fingerprint.ToHex());
                }
            }

            json.WritePropertyName("body");
            half.Body.WriteTo(json);
            json.WriteEndObject();
        }

        return Terminated(buffer);
    }

    /// <summary>The tombstone line (with its newline) of a half that is recorded.</summary>
    public static byte[] EncodeDone(string id, InferenceEventKind kind)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("op", DoneOp);
            json.WriteString("id", id);
            json.WriteString("kind", KindName(kind));
            json.WriteEndObject();
        }

        return Terminated(buffer);
    }

    /// <summary>Reads the operation, id and kind of a line.</summary>
    /// <exception cref="JsonException">The line is not a journal line (torn, corrupt, or written by something else).</exception>
    public static (string Op, string Id, InferenceEventKind Kind) ReadKey(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("not a JSON object");
        }

        string op = RequiredString(line, "op");
        return op is HalfOp or DoneOp
            ? (op, RequiredString(line, "id"), ParseKind(RequiredString(line, "kind")))
            : throw new JsonException($"op: '{op}' is neither '{HalfOp}' nor '{DoneOp}'");
    }

    /// <summary>The half a <c>half</c> line holds.</summary>
    /// <exception cref="JsonException">A member is missing or has the wrong type.</exception>
    public static JournaledHalf DecodeHalf(JsonElement line)
    {
        (_, string id, InferenceEventKind kind) = ReadKey(line);
        var half = new InferenceEvent(
            id,
            kind,
            RequiredString(line, "source"),
            OptionalString(line, "time") is { } time ? ParseTime(time, "time") : null,
            RequiredString(line, "service"),
            OptionalString(line, "namespace"),
            OptionalString(line, "component"),
            OptionalString(line, "endpoint"),
            OptionalString(line, "traceparent"),
            OptionalObject(line, "metadata"),
            OptionalObject(line, "annotations"),
            OptionalObject(line, "body") ?? throw new JsonException("body: missing"),
            line.TryGetProperty("dataSha256", out JsonElement digest) && digest.ValueKind == JsonValueKind.String && digest.TryGetBytesFromBase64(out byte[]? bytes)
                ? bytes
                : throw new JsonException("dataSha256: missing or not base64"))
        {
            Redaction = ReadRedaction(line),
        };
        return new JournaledHalf(half, ParseTime(RequiredString(line, "received"), "received"));
    }

    private static HalfRedaction? ReadRedaction(JsonElement line)
    {
        if (!line.TryGetProperty("redactions", out JsonElement redactions))
        {
            return null;
        }

        if (redactions.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("redactions: not an array");
        }

        var applied = new List<AppliedRedaction>(redactions.GetArrayLength());
        foreach (JsonElement item in redactions.EnumerateArray())
        {
            applied.Add(new AppliedRedaction(RequiredString(item, "path"), RequiredString(item, "rule"), RequiredString(item, "operator")));
        }

        Sha256Hash? fingerprint = null;
        if (OptionalString(line, "inputFingerprint") is { } hex)
        {
            try
            {
                fingerprint = Sha256Hash.FromHex(hex);
            }
            catch (FormatException exception)
            {
                throw new JsonException($"inputFingerprint: {exception.Message}", exception);
            }
        }

        return new HalfRedaction(applied, fingerprint);
    }

    private static byte[] Terminated(ArrayBufferWriter<byte> buffer)
    {
        byte[] line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    private static string KindName(InferenceEventKind kind) => kind == InferenceEventKind.Request ? "request" : "response";

    private static InferenceEventKind ParseKind(string kind) => kind switch
    {
        "request" => InferenceEventKind.Request,
        "response" => InferenceEventKind.Response,
        _ => throw new JsonException($"kind: '{kind}' is neither 'request' nor 'response'"),
    };

    private static DateTimeOffset ParseTime(string text, string name) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw new JsonException($"{name}: '{text}' is not a timestamp");

    private static string RequiredString(JsonElement line, string name) =>
        OptionalString(line, name) ?? throw new JsonException($"{name}: missing");

    private static string? OptionalString(JsonElement line, string name) =>
        line.TryGetProperty(name, out JsonElement value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new JsonException($"{name}: not a string")
            : null;

    private static JsonElement? OptionalObject(JsonElement line, string name) =>
        line.TryGetProperty(name, out JsonElement value)
            ? value.ValueKind == JsonValueKind.Object ? value.Clone() : throw new JsonException($"{name}: not an object")
            : null;

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
