namespace DecisionLedger.Drift;

/// <summary>
/// When a window counts as drifted: some path's PSI is above <see cref="PsiThreshold"/> and the window
/// holds at least <see cref="MinDecisions"/> decisions (a handful of decisions says little about a distribution).
/// </summary>
/// <param name="PsiThreshold">PSI above which a path has drifted; default 0.2, the usual "significant shift" mark.</param>
/// <param name="MinDecisions">Fewest decisions a window needs before it can be flagged; default 100.</param>
public sealed record DriftAlertRule(double PsiThreshold = DriftAlertRule.DefaultPsiThreshold, long MinDecisions = DriftAlertRule.DefaultMinDecisions)
{
    /// <summary>The default threshold (0.2).</summary>
    public const double DefaultPsiThreshold = 0.2;

    /// <summary>The default fewest decisions (100).</summary>
    public const long DefaultMinDecisions = 100;

    /// <summary>Throws naming the field when a value is out of range.</summary>
    /// <param name="prefix">Prepended to the field name, e.g. <c>--</c> or a config key.</param>
    /// <exception cref="ArgumentException">The threshold is not positive and finite, or the minimum is below 1.</exception>
    public void Validate(string prefix = "")
    {
        if (!double.IsFinite(PsiThreshold) || PsiThreshold <= 0)
        {
            throw new ArgumentException($"{prefix}threshold: {PsiThreshold} is not a positive number; 0.1 flags a small shift, 0.2 (the default) a significant one.");
        }

        if (MinDecisions < 1)
        {
            throw new ArgumentException($"{prefix}min-decisions: {MinDecisions} is below 1.");
        }
    }

    /// <summary>True when a window of <paramref name="decisions"/> decisions with PSI <paramref name="psi"/> at some path is flagged.</summary>
    public bool Flags(long decisions, double? psi) => decisions >= MinDecisions && psi is { } p && p > PsiThreshold;
}
