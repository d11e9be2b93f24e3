using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Records;

namespace DecisionLedger.Redis.Buffer;

/// <summary>
/// The sequencer's fast reader of a buffered decision's wire JSON: the exact shape a collector of
/// this version writes (<see cref="DecisionJson"/>: camelCase, nulls omitted, UTC timestamps with six
/// fraction digits), mapped field by field without <see cref="DecisionParser"/>'s second validation
/// walk. The collector already validated the decision (limits, blank strings, finite numbers,
/// duplicate names) before redacting it; re-validating it cost ~16% of the sequencer's CPU.
/// </summary>
/// <remarks>
/// Anything outside that shape (a null, an unknown field, another type, another timestamp form)
/// returns false and the caller falls back to the full parser, which accepts or refuses it with its
/// usual message: the fast path never decides what is valid, it only skips work on what this
/// version wrote. Duplicate property names are still refused while parsing.
/// </remarks>
internal static class BufferedDecisionReader
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static readonly JsonDocumentOptions s_options = new() { AllowDuplicateProperties = false, MaxDepth = DecisionLimits.DefaultMaxDepth };

    /// <summary>Reads <paramref name="utf8Json"/> when it has the shape a collector writes; false otherwise (use the full parser).</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out Decision? decision)
    {
        decision = null;
        JsonElement root;
        try
        {
            // One unpooled document, as the parser makes: the decision's parts stay valid with nothing to dispose.
            root = JsonElement.Parse(utf8Json, s_options);
        }
        catch (JsonException)
        {
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? requestId = null;
        DateTimeOffset? timestamp = null;
        ModelInfo? model = null;
        JsonElement? input = null;
        JsonElement? output = null;
        Explanation? explanation = null;
        Actor? actor = null;
        DecisionSubject? subject = null;
        double? latencyMs = null;
        JsonElement? metadata = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            JsonElement value = property.Value;
            bool read = property.NameEquals("requestId"u8) ? TryString(value, out requestId)
                : property.NameEquals("timestamp"u8) ? TryTimestamp(value, out timestamp)
                : property.NameEquals("model"u8) ? TryModel(value, out model)
                : property.NameEquals("input"u8) ? TryObject(value, out input)
                : property.NameEquals("output"u8) ? TryObject(value, out output)
                : property.NameEquals("explanation"u8) ? TryExplanation(value, out explanation)
                : property.NameEquals("actor"u8) ? TryActor(value, out actor)
                : property.NameEquals("subject"u8) ? TrySubject(value, out subject)
                : property.NameEquals("latencyMs"u8) ? TryNumber(value, out latencyMs)
                : property.NameEquals("metadata"u8) ? TryObject(value, out metadata)
                : false;
            if (!read)
            {
                return false;
            }
        }

        if (model is null || input is null || output is null)
        {
            return false;
        }

        decision = new Decision
        {
            RequestId = requestId,
            Timestamp = timestamp,
            Model = model,
            Input = input.Value,
            Output = output.Value,
            Explanation = explanation,
            Actor = actor,
            Subject = subject,
            LatencyMs = latencyMs,
            Metadata = metadata,
        };
        return true;
    }

    private static bool TryModel(JsonElement value, out ModelInfo? model)
    {
        model = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? name = null, version = null, pipelineVersion = null, artifactDigest = null;
        JsonElement? parameters = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            bool read = property.NameEquals("name"u8) ? TryString(property.Value, out name)
                : property.NameEquals("version"u8) ? TryString(property.Value, out version)
                : property.NameEquals("pipelineVersion"u8) ? TryString(property.Value, out pipelineVersion)
                : property.NameEquals("artifactDigest"u8) ? TryString(property.Value, out artifactDigest)
                : property.NameEquals("parameters"u8) ? TryObject(property.Value, out parameters)
                : false;
            if (!read)
            {
                return false;
            }
        }

        if (name is null || version is null)
        {
            return false;
        }

        model = new ModelInfo { Name = name, Version = version, PipelineVersion = pipelineVersion, ArtifactDigest = artifactDigest, Parameters = parameters };
        return true;
    }

    private static bool TryExplanation(JsonElement value, out Explanation? explanation)
    {
        explanation = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? method = null;
        double? baseValue = null;
        Dictionary<string, double>? attributions = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            bool read = property.NameEquals("method"u8) ? TryString(property.Value, out method)
                : property.NameEquals("baseValue"u8) ? TryNumber(property.Value, out baseValue)
                : property.NameEquals("attributions"u8) ? TryAttributions(property.Value, out attributions)
                : false;
            if (!read)
            {
                return false;
            }
        }

        explanation = new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions };
        return true;
    }

    private static bool TryAttributions(JsonElement value, out Dictionary<string, double>? attributions)
    {
        attributions = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var read = new Dictionary<string, double>(value.GetPropertyCount(), StringComparer.Ordinal);
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out double weight) || !double.IsFinite(weight))
            {
                return false;
            }

            read[property.Name] = weight;
        }

        attributions = read;
        return true;
    }

    private static bool TryActor(JsonElement value, out Actor? actor)
    {
        actor = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? userId = null, tenant = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            bool read = property.NameEquals("userId"u8) ? TryString(property.Value, out userId)
                : property.NameEquals("tenant"u8) ? TryString(property.Value, out tenant)
                : false;
            if (!read)
            {
                return false;
            }
        }

        actor = new Actor { UserId = userId, Tenant = tenant };
        return true;
    }

    private static bool TrySubject(JsonElement value, out DecisionSubject? subject)
    {
        subject = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? id = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (!property.NameEquals("id"u8) || !TryString(property.Value, out id))
            {
                return false;
            }
        }

        subject = new DecisionSubject { Id = id };
        return true;
    }

    // Non-empty strings only: an empty or blank one is the full parser's to refuse.
    private static bool TryString(JsonElement value, out string? text)
    {
        text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return !string.IsNullOrWhiteSpace(text);
    }

    private static bool TryNumber(JsonElement value, out double? number)
    {
        number = value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double parsed) && double.IsFinite(parsed) ? parsed : null;
        return number is not null;
    }

    private static bool TryObject(JsonElement value, out JsonElement? element)
    {
        element = value.ValueKind == JsonValueKind.Object ? value : null;
        return element is not null;
    }

    private static bool TryTimestamp(JsonElement value, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParseExact(value.GetString(), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            timestamp = parsed;
        }

        return timestamp is not null;
    }
}
