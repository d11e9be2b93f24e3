namespace DecisionLedger.Redaction;

/// <summary>
/// One rule of a <see cref="RedactionProfile"/>: what to find (a JSON path, <see cref="Select"/>, or exclusively
/// a detector, <see cref="Detect"/>) and what to do with it (<see cref="Operator"/>).
/// </summary>
/// <remarks>
/// <para>In a policy file a rule is
/// <c>{ "name": "…", "select": "$.input.email" | "detect": "email|phone|ssn|card|iban|ipv4|ipv6|ip|regex", "pattern": "…", "operator": "tag|mask|hash|drop", "tag": "[EMAIL]", "keep": 4 }</c>.</para>
/// <para><b>Selectors</b> are JSON paths over the decision document whose sections are <c>input</c>,
/// <c>output</c>, <c>explanation</c> and <c>metadata</c> (model, actor and subject are never redacted):
/// <c>$</c> root, <c>.name</c> or <c>['name']</c> a member, <c>*</c> or <c>[*]</c> every member or element,
/// <c>[2]</c> one array element, <c>..name</c> / <c>..*</c> recursive descent. A selector replaces the whole
/// selected value: tag replaces it with the tag, mask and hash work on the string (or, for any other value,
/// its RFC 8785 canonical JSON text), drop removes the property or the array element (later elements move up;
/// the recorded path keeps the original index). A selector naming a whole section applies to each of its
/// members. The typed numeric parts of the explanation (<c>baseValue</c>, attribution values) are model
/// outputs, never caller data: only drop changes them.</para>
/// <para><b>Detectors</b> find personal data inside every string value of input, output, metadata and
/// <c>explanation.method</c> (attribution keys are feature names and are left alone) and replace only the
/// matched text: <c>"call +4915123456789 now"</c> becomes <c>"call [PHONE] now"</c>; drop cuts the match out.</para>
/// <para>When several rules select one value, the first in the profile wins; a selected value is not scanned
/// by detectors.</para>
/// </remarks>
public sealed record RedactionRule
{
    /// <summary>The rule's name, recorded in <see cref="Entries.AppliedRedaction.Rule"/>. Optional; default
    /// <c>rules[i]</c> for a selector and <c>detector:&lt;kind&gt;</c> for a detector.</summary>
    public string? Name { get; init; }

    /// <summary>The JSON path this rule selects, e.g. <c>$.input.email</c>, <c>$..ssn</c>, <c>$.metadata.*</c>. Exclusive with <see cref="Detect"/>.</summary>
    public string? Select { get; init; }

    /// <summary>The detector this rule runs. Exclusive with <see cref="Select"/>.</summary>
    public RedactionDetector? Detect { get; init; }

    /// <summary>The regular expression of a <see cref="RedactionDetector.Regex"/> rule (.NET syntax, culture-invariant). Required for it, not allowed otherwise.</summary>
    public string? Pattern { get; init; }

    /// <summary>What to do with what the rule finds. Default <see cref="RedactionOperator.Tag"/>.</summary>
    public RedactionOperator Operator { get; init; } = RedactionOperator.Tag;

    /// <summary>The replacement for <see cref="RedactionOperator.Tag"/>. Default: the detector's tag (<c>[EMAIL]</c>, <c>[PHONE]</c>, …), or <c>[REDACTED]</c>.</summary>
    public string? Tag { get; init; }

    /// <summary>How many trailing characters <see cref="RedactionOperator.Mask"/> keeps; a value no longer than this is masked entirely. Default 4; must not be negative.</summary>
    public int Keep { get; init; } = 4;
}
