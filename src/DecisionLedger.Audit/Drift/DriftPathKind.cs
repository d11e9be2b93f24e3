namespace DecisionLedger.Drift;

/// <summary>How a path's values are binned, decided from the baseline.</summary>
public enum DriftPathKind
{
    /// <summary>The baseline holds no value at the path, so nothing is compared.</summary>
    NoBaseline,

    /// <summary>Every baseline value is a number: quantile bins from the baseline; KS on the raw values.</summary>
    Numeric,

    /// <summary>Some baseline value is not a number: one bin per baseline value plus "other"; KS over the bins.</summary>
    Categorical,
}
