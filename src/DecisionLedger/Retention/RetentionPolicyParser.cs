using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Retention;

/// <summary>
/// Reads and validates a retention policy: the <c>retention</c> section of a JSON document
/// (<c>ledger.json</c> or a <c>--policy</c> file). Every problem is a <see cref="RetentionPolicyException"/>
/// naming the field; a <c>keep</c> below the legal floor is refused unless the rule (or the section)
/// carries <c>overrideLegalFloor</c> {reason, by}, and every such override is logged as a warning.
/// </summary>
public static class RetentionPolicyParser
{
    private static readonly string[] s_sectionMembers = ["default", "models", "legalFloor", "holds", "overrideLegalFloor"];
    private static readonly string[] s_ruleMembers = ["live", "inputs", "keep", "overrideLegalFloor"];
    private static readonly string[] s_holdMembers = ["subject", "model", "fromSeq", "toSeq", "reason"];

    /// <summary>Parses the <c>retention</c> section of <paramref name="json"/>; <see cref="RetentionPolicy.None"/> when the document has none.</summary>
    /// <param name="json">The whole JSON document.</param>
    /// <param name="source">Where it came from (a path), for messages and the override log.</param>
    /// <param name="logger">Where floor overrides are logged; none by default.</param>
    /// <returns>The validated policy.</returns>
    /// <exception cref="RetentionPolicyException">The document or a field is invalid; the message names the field.</exception>
    public static RetentionPolicy Parse(string json, string source, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new RetentionPolicyException(source, $"not valid JSON ({e.Message}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("retention", out JsonElement section))
            {
                return RetentionPolicy.None;
            }

            return ParseSection(section, source, logger ?? NullLogger.Instance);
        }
    }

    private static RetentionPolicy ParseSection(JsonElement section, string source, ILogger logger)
    {
        RequireObject(section, "retention", s_sectionMembers);
        IsoDuration floor = section.TryGetProperty("legalFloor", out JsonElement floorText)
            ? IsoDuration.Parse(String(floorText, "retention.legalFloor"), "retention.legalFloor")
            : IsoDuration.Parse(RetentionPolicy.DefaultLegalFloor, "retention.legalFloor");
        FloorOverride? sectionOverride = section.TryGetProperty("overrideLegalFloor", out JsonElement o) ? ReadOverride(o, "retention.overrideLegalFloor") : null;

        var overrides = new Dictionary<string, FloorOverride>(StringComparer.Ordinal);
        RetentionRule defaultRule = section.TryGetProperty("default", out JsonElement d)
            ? ReadRule(d, "retention.default", "default", floor, sectionOverride, overrides, source, logger)
            : RetentionRule.Never;

        var models = new Dictionary<string, RetentionRule>(StringComparer.Ordinal);
        if (section.TryGetProperty("models", out JsonElement m))
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                throw new RetentionPolicyException("retention.models", "must be an object mapping model names to rules {live, inputs, keep}.");
            }

            foreach (JsonProperty model in m.EnumerateObject())
            {
                models[model.Name] = ReadRule(model.Value, $"retention.models.{model.Name}", model.Name, floor, sectionOverride, overrides, source, logger);
            }
        }

        var holds = new List<LegalHold>();
        if (section.TryGetProperty("holds", out JsonElement h))
        {
            if (h.ValueKind != JsonValueKind.Array)
            {
                throw new RetentionPolicyException("retention.holds", "must be an array of holds, each {\"subject\"}, {\"model\"} or {\"fromSeq\",\"toSeq\"}, with an optional \"reason\".");
            }

            int i = 0;
            foreach (JsonElement hold in h.EnumerateArray())
            {
                holds.Add(ReadHold(hold, $"retention.holds[{i++}]"));
            }
        }

        return new RetentionPolicy(defaultRule, models, floor, overrides, holds);
    }

    private static RetentionRule ReadRule(
        JsonElement rule, string path, string name, IsoDuration floor, FloorOverride? sectionOverride,
        Dictionary<string, FloorOverride> overrides, string source, ILogger logger)
    {
        RequireObject(rule, path, s_ruleMembers);
        IsoDuration? Duration(string member) =>
            rule.TryGetProperty(member, out JsonElement value) ? IsoDuration.Parse(String(value, $"{path}.{member}"), $"{path}.{member}") : null;

        IsoDuration? live = Duration("live");
        IsoDuration? inputs = Duration("inputs");
        IsoDuration? keep = Duration("keep");
        if (keep is not null && live is not null && keep.IsShorterThan(live))
        {
            throw new RetentionPolicyException($"{path}.keep", $"{keep} is shorter than live ({live}); archived data cannot expire before it leaves the live store. Make keep at least {live}.");
        }

        if (keep is not null && keep.IsShorterThan(floor))
        {
            FloorOverride? granted = rule.TryGetProperty("overrideLegalFloor", out JsonElement o) ? ReadOverride(o, $"{path}.overrideLegalFloor") : sectionOverride;
            if (granted is null)
            {
                throw new RetentionPolicyException(
                    $"{path}.keep",
                    $"{keep} is shorter than the legal floor {floor} (AI Act Art. 19 and 26(6): at least six months). Raise keep, or add \"overrideLegalFloor\":{{\"reason\":\"…\",\"by\":\"…\"}} to this rule; the override is logged.");
            }

            overrides[name] = granted;
            RetentionLog.LegalFloorOverridden(logger, path, keep.Text, floor.Text, granted.Reason, granted.By, source);
        }

        return new RetentionRule(live, inputs, keep);
    }

    private static FloorOverride ReadOverride(JsonElement element, string path)
    {
        RequireObject(element, path, ["reason", "by"]);
        string reason = element.TryGetProperty("reason", out JsonElement r) ? String(r, $"{path}.reason") : string.Empty;
        string by = element.TryGetProperty("by", out JsonElement b) ? String(b, $"{path}.by") : string.Empty;
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RetentionPolicyException($"{path}.reason", "required; say why the legal floor does not apply.");
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            throw new RetentionPolicyException($"{path}.by", "required; name who decided to go below the legal floor.");
        }

        return new FloorOverride(reason, by);
    }

    private static LegalHold ReadHold(JsonElement hold, string path)
    {
        RequireObject(hold, path, s_holdMembers);
        string? subject = hold.TryGetProperty("subject", out JsonElement s) ? String(s, $"{path}.subject") : null;
        string? model = hold.TryGetProperty("model", out JsonElement m) ? String(m, $"{path}.model") : null;
        long? from = hold.TryGetProperty("fromSeq", out JsonElement f) ? Seq(f, $"{path}.fromSeq") : null;
        long? to = hold.TryGetProperty("toSeq", out JsonElement t) ? Seq(t, $"{path}.toSeq") : null;
        string? reason = hold.TryGetProperty("reason", out JsonElement r) ? String(r, $"{path}.reason") : null;
        int selectors = (subject is null ? 0 : 1) + (model is null ? 0 : 1) + (from is null && to is null ? 0 : 1);
        if (selectors != 1)
        {
            throw new RetentionPolicyException(path, "a hold names exactly one of: \"subject\", \"model\", or a seq range \"fromSeq\" and \"toSeq\".");
        }

        if ((from is null) != (to is null))
        {
            throw new RetentionPolicyException(from is null ? $"{path}.fromSeq" : $"{path}.toSeq", "a seq-range hold needs both fromSeq and toSeq.");
        }

        if (from > to)
        {
            throw new RetentionPolicyException($"{path}.toSeq", $"{to} is before fromSeq {from}.");
        }

        if (subject is { Length: 0 } || model is { Length: 0 })
        {
            throw new RetentionPolicyException(subject is not null ? $"{path}.subject" : $"{path}.model", "empty; name the subject or model held.");
        }

        return new LegalHold(subject, model, from, to, reason);
    }

    private static void RequireObject(JsonElement element, string path, string[] members)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RetentionPolicyException(path, $"must be an object with {string.Join(", ", members)}.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (Array.IndexOf(members, property.Name) < 0)
            {
                throw new RetentionPolicyException($"{path}.{property.Name}", $"unknown member; expected one of {string.Join(", ", members)}.");
            }
        }
    }

    private static string String(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new RetentionPolicyException(path, $"must be a string, got {value.ValueKind}.");

    private static long Seq(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long seq) && seq >= 0
            ? seq
            : throw new RetentionPolicyException(path, $"must be a seq (an integer, 0 or more), got {value.GetRawText()}.");
}
