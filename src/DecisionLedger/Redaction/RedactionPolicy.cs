namespace DecisionLedger.Redaction;

/// <summary>
/// What is redacted from a decision before it is hashed or stored: a default <see cref="RedactionProfile"/>
/// and per-model overrides. Load one from a file with <see cref="RedactionPolicyLoader"/>.
/// </summary>
/// <remarks>
/// <para>Policy file shape (JSON, comments and trailing commas allowed, unknown members rejected):</para>
/// <code>
/// {
///   "default": { "detectors": "all", "rules": [ { "name": "customer-email", "select": "$.input.email", "operator": "hash" } ] },
///   "models": {
///     "fraud_detector": { "detectors": ["email", "card"], "rules": [ { "select": "$..ssn", "operator": "drop" } ] }
///   }
/// }
/// </code>
/// <para>A model profile overrides the default member by member: a member it states replaces the default's,
/// a member it omits is inherited. Model names match <c>model.name</c> exactly (ordinal).</para>
/// </remarks>
public sealed record RedactionPolicy
{
    /// <summary>The profile of models without their own entry in <see cref="Models"/>. Default: every built-in detector, no rules.</summary>
    public RedactionProfile Default { get; init; } = new();

    /// <summary>Per-model overrides, keyed by <c>model.name</c> (ordinal). Default: none.</summary>
    public IReadOnlyDictionary<string, RedactionProfile> Models { get; init; } = new Dictionary<string, RedactionProfile>(StringComparer.Ordinal);

    /// <summary>
    /// The policy of a ledger with none configured (shared/DESIGN.md, "Privacy"): every built-in detector with
    /// the tag operator, no selectors.
    /// </summary>
    public static RedactionPolicy PrivacyByDefault { get; } = new();

    /// <summary>The effective profile for <paramref name="modelName"/>: its override merged over <see cref="Default"/>.</summary>
    /// <param name="modelName">The decision's <c>model.name</c>.</param>
    /// <returns>A profile whose <see cref="RedactionProfile.Rules"/> and <see cref="RedactionProfile.Detectors"/> are resolved (never inherited).</returns>
    public RedactionProfile ProfileFor(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        IReadOnlyList<RedactionRule> rules = Default.Rules ?? [];
        IReadOnlyList<RedactionDetector> detectors = Default.Detectors ?? BuiltInDetectors.AllKinds;
        if (Models.TryGetValue(modelName, out RedactionProfile? model))
        {
            rules = model.Rules ?? rules;
            detectors = model.Detectors ?? detectors;
        }

        return new RedactionProfile { Rules = rules, Detectors = detectors };
    }
}
