using System.Globalization;
using System.Text.RegularExpressions;

namespace DecisionLedger.Redaction;

/// <summary>Validates and compiles profiles; every error names the rule (position and name) and the reason.</summary>
internal static class PolicyCompiler
{
    private const int MaxSegments = 64;

    /// <summary>Compiles the effective profile of every model and the default, validating the whole policy.</summary>
    public static (CompiledProfile Default, Dictionary<string, CompiledProfile> Models) Compile(RedactionPolicy policy, TimeSpan regexTimeout, bool compileRegexes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Default is null)
        {
            throw new RedactionPolicyException("default", "the default profile is missing; use {} for the built-in defaults");
        }

        var cache = new Dictionary<RedactionRule, object>(ReferenceEqualityComparer.Instance);
        var resolvedDefault = new RedactionProfile
        {
            Rules = policy.Default.Rules ?? [],
            Detectors = policy.Default.Detectors ?? BuiltInDetectors.AllKinds,
        };
        CompiledProfile defaults = Compile(resolvedDefault, "default", "default", regexTimeout, compileRegexes, cache);
        var models = new Dictionary<string, CompiledProfile>(StringComparer.Ordinal);
        foreach ((string name, RedactionProfile profile) in policy.Models)
        {
            if (profile is null)
            {
                throw new RedactionPolicyException($"models.{name}", "the profile is null; use {} to inherit the default profile");
            }

            string rulesOwner = profile.Rules is null ? "default" : $"models.{name}";
            models[name] = Compile(policy.ProfileFor(name), $"models.{name}", rulesOwner, regexTimeout, compileRegexes, cache);
        }

        return (defaults, models);
    }

    private static CompiledProfile Compile(RedactionProfile profile, string profileLocation, string rulesOwner, TimeSpan regexTimeout, bool compileRegexes, Dictionary<RedactionRule, object> cache)
    {
        var selectors = new List<SelectorRule>();
        var ruleDetectors = new List<DetectorRule>();
        IReadOnlyList<RedactionRule> rules = profile.Rules!;
        for (int i = 0; i < rules.Count; i++)
        {
            RedactionRule rule = rules[i] ?? throw new RedactionPolicyException($"{rulesOwner}.rules[{i}]", "the rule is null");
            string location = Location(rulesOwner, i, rule.Name);
            if (cache.TryGetValue(rule, out object? compiled))
            {
                // A model inheriting the default's rules shares their compiled form (and compiled regexes).
                AddCompiled(compiled, selectors, ruleDetectors);
                continue;
            }

            compiled = CompileRule(rule, i, location, regexTimeout, compileRegexes);
            cache[rule] = compiled;
            AddCompiled(compiled, selectors, ruleDetectors);
        }

        var detectors = new List<DetectorRule>(ruleDetectors);
        foreach (RedactionDetector kind in profile.Detectors!)
        {
            if (kind == RedactionDetector.Regex || !Enum.IsDefined(kind))
            {
                throw new RedactionPolicyException(
                    $"{profileLocation}.detectors",
                    $"'{kind}' is not a built-in detector; use email, phone, ssn, card, iban, ipv4, ipv6 or ip, and put a custom pattern in a rule with \"detect\": \"regex\"");
            }

            foreach (RedactionDetector single in Expand(kind))
            {
                // A rule detecting the same kind replaces the built-in's default settings.
                if (detectors.Exists(d => d.Kind == single && d.Pattern == BuiltInDetectors.Pattern(single)))
                {
                    continue;
                }

                string name = "detector:" + BuiltInDetectors.Name(single);
                detectors.Add(new DetectorRule(single, BuiltInDetectors.Pattern(single), new RedactionAction(name, RedactionOperator.Tag, BuiltInDetectors.DefaultTag(single), 4)));
            }
        }

        return new CompiledProfile([.. selectors], [.. detectors]);
    }

    private static void AddCompiled(object compiled, List<SelectorRule> selectors, List<DetectorRule> detectors)
    {
        switch (compiled)
        {
            case SelectorRule selector: selectors.Add(selector); break;
            case DetectorRule[] many: detectors.AddRange(many); break;
            default: break;
        }
    }

    private static object CompileRule(RedactionRule rule, int index, string location, TimeSpan regexTimeout, bool compileRegexes)
    {
        if (!Enum.IsDefined(rule.Operator))
        {
            throw new RedactionPolicyException(location, $"unknown operator '{rule.Operator}'; use tag, mask, hash or drop");
        }

        if (rule.Keep < 0)
        {
            throw new RedactionPolicyException(location, string.Create(CultureInfo.InvariantCulture, $"mask keep is {rule.Keep}; it must be 0 or more (the number of trailing characters left visible)"));
        }

        if (rule.Tag is { Length: 0 })
        {
            throw new RedactionPolicyException(location, "tag is empty; give a visible placeholder such as \"[EMAIL]\" or omit it for the default");
        }

        if (rule.Select is not null && rule.Detect is not null)
        {
            throw new RedactionPolicyException(location, "has both \"select\" and \"detect\"; a rule either selects values by JSON path or detects text, so split it into two rules");
        }

        if (rule.Select is null && rule.Detect is null)
        {
            throw new RedactionPolicyException(location, "has neither \"select\" (a JSON path such as \"$.input.email\") nor \"detect\" (email, phone, ssn, card, iban, ipv4, ipv6, ip or regex)");
        }

        if (rule.Detect != RedactionDetector.Regex && rule.Pattern is not null)
        {
            throw new RedactionPolicyException(location, "\"pattern\" is only used with \"detect\": \"regex\"; remove it or change the detector");
        }

        if (rule.Select is not null)
        {
            JsonPathSelector? selector = JsonPathSelector.TryParse(rule.Select, out string? error);
            if (selector is null)
            {
                throw new RedactionPolicyException(location, "bad JSON path: " + error);
            }

            if (selector.Segments.Length > MaxSegments)
            {
                throw new RedactionPolicyException(location, $"bad JSON path: more than {MaxSegments} steps");
            }

            string name = rule.Name ?? string.Create(CultureInfo.InvariantCulture, $"rules[{index}]");
            return new SelectorRule(selector, new RedactionAction(name, rule.Operator, rule.Tag ?? "[REDACTED]", rule.Keep));
        }

        RedactionDetector kind = rule.Detect!.Value;
        if (!Enum.IsDefined(kind))
        {
            throw new RedactionPolicyException(location, $"unknown detector '{kind}'; use email, phone, ssn, card, iban, ipv4, ipv6, ip or regex");
        }

        if (kind == RedactionDetector.Regex)
        {
            if (string.IsNullOrEmpty(rule.Pattern))
            {
                throw new RedactionPolicyException(location, "\"detect\": \"regex\" needs a \"pattern\" (a .NET regular expression)");
            }

            Regex regex;
            try
            {
                RegexOptions options = RegexOptions.CultureInvariant | (compileRegexes ? RegexOptions.Compiled : RegexOptions.None);
                regex = new Regex(rule.Pattern, options, regexTimeout);
            }
            catch (ArgumentException e)
            {
                throw new RedactionPolicyException(location, "the pattern does not compile: " + e.Message, e);
            }

            string name = rule.Name ?? string.Create(CultureInfo.InvariantCulture, $"rules[{index}]");
            return new[] { new DetectorRule(kind, regex, new RedactionAction(name, rule.Operator, rule.Tag ?? "[REDACTED]", rule.Keep)) };
        }

        return Expand(kind)
            .Select(single => new DetectorRule(
                single,
                BuiltInDetectors.Pattern(single),
                new RedactionAction(rule.Name ?? "detector:" + BuiltInDetectors.Name(single), rule.Operator, rule.Tag ?? BuiltInDetectors.DefaultTag(single), rule.Keep)))
            .ToArray();
    }

    private static RedactionDetector[] Expand(RedactionDetector kind) =>
        kind == RedactionDetector.Ip ? [RedactionDetector.IPv4, RedactionDetector.IPv6] : [kind];

    private static string Location(string owner, int index, string? name) =>
        name is null
            ? string.Create(CultureInfo.InvariantCulture, $"{owner}.rules[{index}]")
            : string.Create(CultureInfo.InvariantCulture, $"{owner}.rules[{index}] '{name}'");
}
