namespace DecisionLedger.Redaction;

/// <summary>A detector match inside one string: where, and which detector (-1 for a shielding, non-redacting span).</summary>
internal readonly record struct Candidate(int Start, int Length, int Detector)
{
    public int End => Start + Length;
}
