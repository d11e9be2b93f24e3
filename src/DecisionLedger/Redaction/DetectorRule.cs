using System.Text.RegularExpressions;

namespace DecisionLedger.Redaction;

/// <summary>A compiled detector: its pattern, its kind (for pre-check, validation and hash normalization) and its action.</summary>
internal sealed class DetectorRule(RedactionDetector kind, Regex pattern, RedactionAction action)
{
    public RedactionDetector Kind { get; } = kind;

    public Regex Pattern { get; } = pattern;

    public RedactionAction Action { get; } = action;

    public bool MayMatch(in TextStats stats) => BuiltInDetectors.MayMatch(Kind, stats);

    /// <summary>An IBAN-shaped run that fails mod-97 still shields its digits from the card and phone detectors.</summary>
    public bool ShieldsWhenInvalid => Kind == RedactionDetector.Iban;
}
