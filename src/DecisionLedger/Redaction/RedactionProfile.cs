namespace DecisionLedger.Redaction;

/// <summary>The rules and built-in detectors applied to the decisions of one model (or, as the default, of every model).</summary>
/// <remarks>
/// In a policy file: <c>{ "detectors": "all" | "none" | ["email", "phone", …], "rules": [ … ] }</c>; both members are optional.
/// </remarks>
public sealed record RedactionProfile
{
    /// <summary>
    /// The rules, in order (the first rule selecting a value wins). <see langword="null"/> means: a model profile
    /// inherits the default profile's rules; the default profile has none.
    /// </summary>
    public IReadOnlyList<RedactionRule>? Rules { get; init; }

    /// <summary>
    /// The built-in detectors run with the <see cref="RedactionOperator.Tag"/> operator and their default tags
    /// (a rule that <see cref="RedactionRule.Detect"/>s the same kind replaces that detector's settings).
    /// <see langword="null"/> means: a model profile inherits the default profile's detectors; the default profile
    /// runs every built-in detector (privacy by default). An empty list runs none.
    /// <see cref="RedactionDetector.Regex"/> is not allowed here.
    /// </summary>
    public IReadOnlyList<RedactionDetector>? Detectors { get; init; }
}
