using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Redaction;

/// <summary>Reads a <see cref="RedactionPolicy"/> from its JSON file (shape in <see cref="RedactionPolicy"/> and <see cref="RedactionRule"/>) and validates every rule.</summary>
public static class RedactionPolicyLoader
{
    private static readonly JsonDocumentOptions s_options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
    };

    /// <summary>Reads and validates the policy file at <paramref name="path"/>.</summary>
    /// <param name="path">The policy file (UTF-8 JSON).</param>
    /// <returns>The policy, every rule checked (selectors parsed, patterns compiled).</returns>
    /// <exception cref="RedactionPolicyException">The file cannot be read or is invalid; the message names the file, the rule and the reason.</exception>
    public static RedactionPolicy Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotRead(path, e);
        }

        return ParseFile(path, json);
    }

    /// <summary>Reads and validates the policy file at <paramref name="path"/>, asynchronously.</summary>
    /// <param name="path">The policy file (UTF-8 JSON).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The policy, every rule checked.</returns>
    /// <exception cref="RedactionPolicyException">The file cannot be read or is invalid.</exception>
    public static async Task<RedactionPolicy> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotRead(path, e);
        }

        return ParseFile(path, json);
    }

    private static RedactionPolicyException CannotRead(string path, Exception e) =>
        new(path, "cannot read the policy file: " + e.Message, e);

    // Errors from Parse name the rule; prefix the file so the message says where to look.
    private static RedactionPolicy ParseFile(string path, string json)
    {
        try
        {
            return Parse(json);
        }
        catch (RedactionPolicyException e)
        {
            throw new RedactionPolicyException($"{path}: {e.Location}", e.Reason, e);
        }
    }

    /// <summary>Parses and validates a policy from JSON text.</summary>
    /// <param name="json">The policy document.</param>
    /// <returns>The policy, every rule checked (selectors parsed, patterns compiled).</returns>
    /// <exception cref="RedactionPolicyException">The JSON is malformed or a rule is invalid; the message names the rule (position and name) and the reason.</exception>
    public static RedactionPolicy Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_options);
        }
        catch (JsonException e)
        {
            throw new RedactionPolicyException(
                string.Create(CultureInfo.InvariantCulture, $"line {(e.LineNumber ?? 0) + 1}"),
                "not valid JSON: " + e.Message,
                e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            RequireKind(root, JsonValueKind.Object, "$", "the policy must be a JSON object with \"default\" and/or \"models\"");
            RedactionProfile defaults = new();
            var models = new Dictionary<string, RedactionProfile>(StringComparer.Ordinal);
            foreach (JsonProperty member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "default":
                        defaults = ReadProfile(member.Value, "default");
                        break;
                    case "models":
                        RequireKind(member.Value, JsonValueKind.Object, "models", "must be an object keyed by model name");
                        foreach (JsonProperty model in member.Value.EnumerateObject())
                        {
                            models[model.Name] = ReadProfile(model.Value, "models." + model.Name);
                        }

                        break;
                    case "$schema":
                        break;
                    default:
                        throw new RedactionPolicyException(member.Name, "unknown member; a policy has \"default\" and \"models\"");
                }
            }

            var policy = new RedactionPolicy { Default = defaults, Models = models };

            // Validate now (cheaply: patterns are interpreted here, compiled by the redactor) so a bad file fails at load.
            PolicyCompiler.Compile(policy, TimeSpan.FromSeconds(1), compileRegexes: false);
            return policy;
        }
    }

    private static RedactionProfile ReadProfile(JsonElement element, string location)
    {
        RequireKind(element, JsonValueKind.Object, location, "a profile is an object: { \"detectors\": \"all\" | \"none\" | [ … ], \"rules\": [ … ] }");
        List<RedactionRule>? rules = null;
        List<RedactionDetector>? detectors = null;
        foreach (JsonProperty member in element.EnumerateObject())
        {
            switch (member.Name)
            {
                case "rules":
                    RequireKind(member.Value, JsonValueKind.Array, location + ".rules", "must be an array of rules");
                    rules = [];
                    int index = 0;
                    foreach (JsonElement rule in member.Value.EnumerateArray())
                    {
                        rules.Add(ReadRule(rule, location + ".rules", index++));
                    }

                    break;
                case "detectors":
                    detectors = ReadDetectors(member.Value, location + ".detectors");
                    break;
                default:
                    throw new RedactionPolicyException($"{location}.{member.Name}", "unknown member; a profile has \"detectors\" and \"rules\"");
            }
        }

        return new RedactionProfile { Rules = rules, Detectors = detectors };
    }

    private static List<RedactionDetector> ReadDetectors(JsonElement element, string location)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() switch
            {
                "all" => [.. BuiltInDetectors.AllKinds],
                "none" => [],
                var other => throw new RedactionPolicyException(location, $"'{other}' is not \"all\", \"none\" or a list of detectors"),
            };
        }

        RequireKind(element, JsonValueKind.Array, location, "must be \"all\", \"none\" or a list such as [\"email\", \"card\"]");
        var detectors = new List<RedactionDetector>();
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string itemLocation = string.Create(CultureInfo.InvariantCulture, $"{location}[{index++}]");
            RequireKind(item, JsonValueKind.String, itemLocation, "must be a detector name");
            if (!TryParseDetector(item.GetString()!, out RedactionDetector kind) || kind == RedactionDetector.Regex)
            {
                throw new RedactionPolicyException(itemLocation, $"unknown detector '{item.GetString()}'; use email, phone, ssn, card, iban, ipv4, ipv6 or ip");
            }

            detectors.Add(kind);
        }

        return detectors;
    }

    private static RedactionRule ReadRule(JsonElement element, string owner, int index)
    {
        string location = string.Create(CultureInfo.InvariantCulture, $"{owner}[{index}]");
        RequireKind(element, JsonValueKind.Object, location, "a rule is an object with \"select\" or \"detect\" and an \"operator\"");
        if (element.TryGetProperty("name", out JsonElement nameElement) && nameElement.ValueKind == JsonValueKind.String)
        {
            location += $" '{nameElement.GetString()}'";
        }

        var rule = new RedactionRule();
        foreach (JsonProperty member in element.EnumerateObject())
        {
            JsonElement value = member.Value;
            switch (member.Name)
            {
                case "name":
                    rule = rule with { Name = String(value, location, "name") };
                    break;
                case "select":
                    rule = rule with { Select = String(value, location, "select") };
                    break;
                case "detect":
                    string detect = String(value, location, "detect");
                    if (!TryParseDetector(detect, out RedactionDetector kind))
                    {
                        throw new RedactionPolicyException(location, $"unknown detector '{detect}'; use email, phone, ssn, card, iban, ipv4, ipv6, ip or regex");
                    }

                    rule = rule with { Detect = kind };
                    break;
                case "pattern":
                    rule = rule with { Pattern = String(value, location, "pattern") };
                    break;
                case "operator":
                    string op = String(value, location, "operator");
                    if (!OperatorNames.TryParse(op, out RedactionOperator parsed))
                    {
                        throw new RedactionPolicyException(location, $"unknown operator '{op}'; use tag, mask, hash or drop");
                    }

                    rule = rule with { Operator = parsed };
                    break;
                case "tag":
                    rule = rule with { Tag = String(value, location, "tag") };
                    break;
                case "keep":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int keep))
                    {
                        throw new RedactionPolicyException(location, "keep must be a whole number (trailing characters the mask leaves visible)");
                    }

                    rule = rule with { Keep = keep };
                    break;
                default:
                    throw new RedactionPolicyException(location, $"unknown member '{member.Name}'; a rule has name, select, detect, pattern, operator, tag and keep");
            }
        }

        return rule;
    }

    private static bool TryParseDetector(string name, out RedactionDetector kind)
    {
        switch (name)
        {
            case "email": kind = RedactionDetector.Email; return true;
            case "phone": kind = RedactionDetector.Phone; return true;
            case "ssn": kind = RedactionDetector.Ssn; return true;
            case "card": kind = RedactionDetector.Card; return true;
            case "iban": kind = RedactionDetector.Iban; return true;
            case "ipv4": kind = RedactionDetector.IPv4; return true;
            case "ipv6": kind = RedactionDetector.IPv6; return true;
            case "ip": kind = RedactionDetector.Ip; return true;
            case "regex": kind = RedactionDetector.Regex; return true;
            default: kind = default; return false;
        }
    }

    private static string String(JsonElement value, string location, string member)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new RedactionPolicyException(location, $"{member} must be a string");
        }

        return value.GetString()!;
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string location, string problem)
    {
        if (element.ValueKind != kind)
        {
            throw new RedactionPolicyException(location, problem);
        }
    }
}
