using System.Globalization;

namespace DecisionLedger.Cli.Demo;

/// <summary>
/// One run of <c>dledger demo</c>: when its 30 simulated days start and which model versions roll
/// out over them. The first chapter starts on a fixed date with 3.0.0 → 3.1.0 → 3.2.1; a later
/// run continues the story after the ledger's last entry, from the version it last served to the
/// next one, so time never goes backwards and a version never returns to an older one.
/// </summary>
/// <param name="Start">When the simulated period starts (UTC).</param>
/// <param name="Rollout">The versions in the order they serve, each with its pipeline and the day (from <paramref name="Start"/>) it takes over.</param>
/// <param name="Seed">The random seed of this chapter's decisions.</param>
internal sealed record DemoChapter(DateTimeOffset Start, IReadOnlyList<DemoRollout> Rollout, int Seed)
{
    /// <summary>The simulated period of every chapter.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    /// <summary>The first chapter: from 2026-10-24, versions 3.0.0 → 3.1.0 → 3.2.1, seed <see cref="DemoDecisionGenerator.DefaultSeed"/>.</summary>
    public static DemoChapter First { get; } = new(
        new DateTimeOffset(2026, 10, 24, 0, 0, 0, TimeSpan.Zero),
        [new("3.0.0", 0), new("3.1.0", 10.5), new("3.2.1", 21.25)],
        DemoDecisionGenerator.DefaultSeed);

    /// <summary>
    /// The chapter after a ledger whose newest entry is dated <paramref name="lastTimestamp"/> and
    /// whose demo model last served <paramref name="lastVersion"/> (null when it never served).
    /// </summary>
    /// <param name="lastTimestamp">The newest timestamp in the ledger; the chapter starts one minute after it (whole seconds).</param>
    /// <param name="lastVersion">The version the demo model served last; it keeps serving for half the period, then the next minor version takes over.</param>
    public static DemoChapter After(DateTimeOffset lastTimestamp, string? lastVersion)
    {
        DateTimeOffset start = lastTimestamp.ToUniversalTime().AddMinutes(1);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));

        // A different seed each chapter, derived from the ledger, so a rerun on a copy is reproducible.
        int seed = DemoDecisionGenerator.DefaultSeed ^ (int)(start.ToUnixTimeSeconds() & int.MaxValue);
        if (lastVersion is null)
        {
            return First with { Start = start, Seed = seed };
        }

        return new DemoChapter(start, [new(lastVersion, 0), new(NextMinor(lastVersion), 15)], seed);
    }

    /// <summary>The version after <paramref name="version"/>: <c>3.2.1</c> → <c>3.3.0</c>; a version not of the form N.N[.N] gets <c>.1</c> appended.</summary>
    public static string NextMinor(string version)
    {
        string[] parts = version.Split('.');
        return parts.Length is 2 or 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            && minor < int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor + 1}.0")
                : version + ".1";
    }

    /// <summary>The versions this chapter serves, in order.</summary>
    public IReadOnlyList<string> Versions => Rollout.Select(r => r.Version).ToArray();
}
