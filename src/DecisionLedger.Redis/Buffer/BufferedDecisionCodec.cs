using System.Buffers;
using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Buffer;

/// <summary>
/// The stream entry of a buffered decision (format version 1): <c>v</c> = <c>1</c>,
/// <c>decision</c> = the redacted decision's wire JSON (request id and timestamp set),
/// <c>redactions</c> = a JSON array of <c>{"path","rule","operator"}</c>, <c>fingerprint</c> =
/// the hex input fingerprint taken before redaction.
/// </summary>
internal static class BufferedDecisionCodec
{
    public const string FormatVersion = "1";

    // Collectors enforce the client-facing size limit; here the limit only guards the sequencer.
    private static readonly DecisionParser Parser = new(new DecisionLimits { MaxPayloadBytes = 64 * 1024 * 1024 });

    public static NameValueEntry[] Encode(RedactedDecision decision)
    {
        var redactions = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(redactions))
        {
            writer.WriteStartArray();
            foreach (AppliedRedaction applied in decision.Redactions)
            {
                writer.WriteStartObject();
                writer.WriteString("path", applied.Path);
                writer.WriteString("rule", applied.Rule);
                writer.WriteString("operator", applied.Operator);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return
        [
            new NameValueEntry("v", FormatVersion),
            new NameValueEntry("decision", DecisionJson.Serialize(decision.Decision)),
            new NameValueEntry("redactions", redactions.WrittenMemory.ToArray()),
            new NameValueEntry("fingerprint", decision.InputFingerprint.ToHex()),
        ];
    }

    /// <summary>Reads a stream entry back.</summary>
    /// <exception cref="BufferedDecisionFormatException">The entry is not a decision this version can read; the message says why.</exception>
    public static RedactedDecision Decode(StreamEntry entry)
    {
        if (entry.IsNull || entry.Values is not { Length: > 0 })
        {
            throw new BufferedDecisionFormatException("the entry has no fields (deleted from the stream while pending?)");
        }

        string? version = entry["v"];
        if (version != FormatVersion)
        {
            throw new BufferedDecisionFormatException($"field 'v' is '{version ?? "(missing)"}'; this sequencer reads format {FormatVersion}");
        }

        byte[]? decisionJson = entry["decision"];
        byte[]? redactionsJson = entry["redactions"];
        string? fingerprintHex = entry["fingerprint"];
        if (decisionJson is null || redactionsJson is null || fingerprintHex is null)
        {
            throw new BufferedDecisionFormatException("fields 'decision', 'redactions' and 'fingerprint' are required");
        }

        Decision decision;
        try
        {
            decision = Parser.Parse(decisionJson);
        }
        catch (DecisionValidationException ex)
        {
            throw new BufferedDecisionFormatException($"field 'decision': {ex.Message}", ex);
        }

        if (decision.RequestId is null || decision.Timestamp is null)
        {
            throw new BufferedDecisionFormatException("field 'decision': requestId and timestamp must be set by the collector");
        }

        Sha256Hash fingerprint;
        try
        {
            fingerprint = Sha256Hash.FromHex(fingerprintHex);
        }
        catch (FormatException ex)
        {
            throw new BufferedDecisionFormatException($"field 'fingerprint': {ex.Message}", ex);
        }

        return new RedactedDecision(decision, ReadRedactions(redactionsJson), fingerprint);
    }

    private static IReadOnlyList<AppliedRedaction> ReadRedactions(byte[] json)
    {
        // Most decisions carry no PII: what Encode writes for them needs no parser.
        if (json.AsSpan().SequenceEqual("[]"u8))
        {
            return [];
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new BufferedDecisionFormatException("field 'redactions': must be a JSON array");
            }

            var applied = new List<AppliedRedaction>(document.RootElement.GetArrayLength());
            foreach (JsonElement item in document.RootElement.EnumerateArray())
            {
                applied.Add(new AppliedRedaction(Required(item, "path"), Required(item, "rule"), Required(item, "operator")));
            }

            return applied;
        }
        catch (JsonException ex)
        {
            throw new BufferedDecisionFormatException($"field 'redactions': not JSON ({ex.Message})", ex);
        }
    }

    private static string Required(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BufferedDecisionFormatException($"field 'redactions': every item needs a string '{name}'");
}
