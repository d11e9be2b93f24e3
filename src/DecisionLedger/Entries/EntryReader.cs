using System.Globalization;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>
/// Maps a parsed entry object to a <see cref="LedgerEntry"/>, strictly: unknown, repeated,
/// missing or mistyped fields are refused with a message naming the field. Canonicality
/// itself is checked by the caller by writing the entry again.
/// </summary>
internal static partial class EntryReader
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static LedgerEntry Read(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Object, "entry");
        int? version = null;
        long? seq = null;
        string? requestId = null;
        DateTimeOffset? timestamp = null;
        ModelInfo? model = null;
        Actor? actor = null;
        DecisionSubject? subject = null;
        string? subjectRef = null;
        ChainLinks? prev = null;
        JsonElement? output = null;
        Explanation? explanation = null;
        double? latency = null;
        JsonElement? metadata = null;
        Sha256Hash? digest = null;
        List<AppliedRedaction>? redactions = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (JsonProperty property in root.EnumerateObject())
        {
            string name = property.Name;
            if (!seen.Add(name))
            {
                throw new FormatException($"Entry field '{name}' appears more than once.");
            }

            JsonElement value = property.Value;
            switch (name)
            {
                case "v":
                    version = (int)Integer(value, "v", int.MinValue, int.MaxValue);
                    if (version is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
                    {
                        throw new FormatException(
                            $"Entry field 'v' is {version}; this build reads leaf format versions {LedgerEntry.CurrentVersion} and {LedgerEntry.Version2} only. Use a newer DecisionLedger to read it.");
                    }

                    break;
                case "seq": seq = Integer(value, "seq", 0, 1L << 53); break;
                case "requestId": requestId = String(value, "requestId"); break;
                case "timestamp": timestamp = Timestamp(value); break;
                case "model": model = Model(value); break;
                case "actor": actor = ReadActor(value); break;
                case "subject": (subject, subjectRef) = ReadSubject(value); break;
                case "prev": prev = ReadPrev(value); break;
                case "output": output = value; break;
                case "explanation": explanation = ReadExplanation(value); break;
                case "latencyMs": latency = Number(value, "latencyMs"); break;
                case "metadata": metadata = NotNull(value, "metadata"); break;
                case "inputDigest": digest = Digest(value); break;
                case "redactions": redactions = Redactions(value); break;
                default: throw Unknown(name, "entry");
            }
        }

        int v = version ?? throw Missing("v");
        CheckVersionMembers(v, subject, subjectRef, prev);

        return new LedgerEntry
        {
            V = v,
            SubjectRef = subjectRef,
            Prev = prev,
            Seq = seq ?? throw Missing("seq"),
            RequestId = requestId ?? throw Missing("requestId"),
            Timestamp = timestamp ?? throw Missing("timestamp"),
            Model = model ?? throw Missing("model"),
            Actor = actor,
            Subject = subject,
            Output = output ?? throw Missing("output"),
            Explanation = explanation,
            LatencyMs = latency,
            Metadata = metadata,
            InputDigest = digest ?? throw Missing("inputDigest"),
            Redactions = redactions ?? throw Missing("redactions"),
        };
    }

    private static ModelInfo Model(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Object, "model");
        string? name = null, version = null, pipeline = null, artifact = null;
        JsonElement? parameters = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name": name = String(property.Value, "model.name"); break;
                case "version": version = String(property.Value, "model.version"); break;
                case "pipelineVersion": pipeline = String(property.Value, "model.pipelineVersion"); break;
                case "artifactDigest": artifact = String(property.Value, "model.artifactDigest"); break;
                case "parameters": parameters = NotNull(property.Value, "model.parameters"); break;
                default: throw Unknown(property.Name, "model");
            }
        }

        return new ModelInfo
        {
            Name = name ?? throw Missing("model.name"),
            Version = version ?? throw Missing("model.version"),
            PipelineVersion = pipeline,
            ArtifactDigest = artifact,
            Parameters = parameters,
        };
    }

    private static Actor ReadActor(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Object, "actor");
        string? userId = null, tenant = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "userId": userId = String(property.Value, "actor.userId"); break;
                case "tenant": tenant = String(property.Value, "actor.tenant"); break;
                default: throw Unknown(property.Name, "actor");
            }
        }

        return new Actor { UserId = userId, Tenant = tenant };
    }

    private static Explanation ReadExplanation(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Object, "explanation");
        string? method = null;
        double? baseValue = null;
        Dictionary<string, double>? attributions = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "method": method = String(property.Value, "explanation.method"); break;
                case "baseValue": baseValue = Number(property.Value, "explanation.baseValue"); break;
                case "attributions":
                    RequireKind(property.Value, JsonValueKind.Object, "explanation.attributions");
                    attributions = new Dictionary<string, double>(StringComparer.Ordinal);
                    foreach (JsonProperty feature in property.Value.EnumerateObject())
                    {
                        if (!attributions.TryAdd(feature.Name, Number(feature.Value, $"explanation.attributions.{feature.Name}")))
                        {
                            throw new FormatException($"Entry field 'explanation.attributions' has the feature \"{feature.Name}\" twice.");
                        }
                    }

                    break;
                default: throw Unknown(property.Name, "explanation");
            }
        }

        return new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions };
    }

    private static List<AppliedRedaction> Redactions(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Array, "redactions");
        var list = new List<AppliedRedaction>(value.GetArrayLength());
        foreach (JsonElement item in value.EnumerateArray())
        {
            string field = $"redactions[{list.Count}]";
            RequireKind(item, JsonValueKind.Object, field);
            string? path = null, rule = null, op = null;
            foreach (JsonProperty property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "path": path = String(property.Value, field + ".path"); break;
                    case "rule": rule = String(property.Value, field + ".rule"); break;
                    case "operator": op = String(property.Value, field + ".operator"); break;
                    default: throw Unknown(property.Name, field);
                }
            }

            list.Add(new AppliedRedaction(
                path ?? throw Missing(field + ".path"),
                rule ?? throw Missing(field + ".rule"),
                op ?? throw Missing(field + ".operator")));
        }

        return list;
    }

    private static DateTimeOffset Timestamp(JsonElement value)
    {
        string text = String(value, "timestamp");
        if (!DateTimeOffset.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            throw new FormatException($"Entry field 'timestamp' is \"{text}\"; expected UTC with six fractional digits, e.g. 2026-11-23T12:00:00.123456Z.");
        }

        return parsed;
    }

    private static Sha256Hash Digest(JsonElement value)
    {
        string text = String(value, "inputDigest");
        try
        {
            return Sha256Hash.FromHex(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Entry field 'inputDigest' is not a SHA-256 digest: {ex.Message}", ex);
        }
    }

    private static long Integer(JsonElement value, string field, long min, long max)
    {
        RequireKind(value, JsonValueKind.Number, field);
        if (!value.TryGetInt64(out long result) || result < min || result > max)
        {
            throw new FormatException($"Entry field '{field}' is {value.GetRawText()}; expected an integer from {min} to {max}.");
        }

        return result;
    }

    private static double Number(JsonElement value, string field)
    {
        RequireKind(value, JsonValueKind.Number, field);
        if (!value.TryGetDouble(out double result) || !double.IsFinite(result))
        {
            throw new FormatException($"Entry field '{field}' is {value.GetRawText()}, outside the range of a double.");
        }

        return result;
    }

    private static string String(JsonElement value, string field)
    {
        RequireKind(value, JsonValueKind.String, field);
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses escaped lone surrogates only when decoding.
            throw new FormatException($"Entry field '{field}' is not valid Unicode text: {ex.Message}", ex);
        }
    }

    private static JsonElement NotNull(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            throw new FormatException($"Entry field '{field}' is null; canonical entries omit absent fields instead.");
        }

        return value;
    }

    private static void RequireKind(JsonElement value, JsonValueKind kind, string field)
    {
        if (value.ValueKind != kind)
        {
            throw new FormatException($"Entry field '{field}' is {value.ValueKind}; expected {kind}.");
        }
    }

    private static FormatException Unknown(string name, string owner) =>
        new($"Entry field '{owner}' has an unknown member '{name}'; this build reads leaf format versions {LedgerEntry.CurrentVersion} and {LedgerEntry.Version2}.");

    private static FormatException Missing(string field) =>
        new($"Entry field '{field}' is missing; every canonical entry has it.");
}
