namespace DecisionLedger.Redaction;

/// <summary>A resolved profile ready to run: selectors in policy order and detectors in precedence order.</summary>
internal sealed class CompiledProfile(SelectorRule[] selectors, DetectorRule[] detectors)
{
    public SelectorRule[] Selectors { get; } = selectors;

    public DetectorRule[] Detectors { get; } = detectors;

    public bool IsEmpty => Selectors.Length == 0 && Detectors.Length == 0;
}
