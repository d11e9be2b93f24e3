namespace DecisionLedger.Drift;

/// <summary>The values read at one path over one baseline or window: numbers kept whole (KS is exact), texts counted.</summary>
internal sealed class PathSamples
{
    public List<double> Numbers { get; } = [];

    public Dictionary<string, long> Texts { get; } = new(StringComparer.Ordinal);

    public long TextCount { get; private set; }

    public long Missing { get; private set; }

    public void Add(DriftObservation value)
    {
        if (value.IsNumber)
        {
            Numbers.Add(value.Number);
        }
        else if (value.Text is { } text)
        {
            Texts[text] = Texts.GetValueOrDefault(text) + 1;
            TextCount++;
        }
        else
        {
            Missing++;
        }
    }
}
