namespace DecisionLedger.Drift;

/// <summary>One value read at a drift path: a number, a text, or nothing.</summary>
internal readonly record struct DriftObservation(double Number, string? Text, bool IsNumber)
{
    public static DriftObservation Missing => default;

    public bool IsMissing => !IsNumber && Text is null;

    public static DriftObservation OfNumber(double value) => new(value, null, true);

    public static DriftObservation OfText(string value) => new(0, value, false);
}
