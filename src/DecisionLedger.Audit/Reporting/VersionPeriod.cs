namespace DecisionLedger.Reporting;

/// <summary>A run of consecutive decisions (in <c>seq</c> order) that one model version made.</summary>
/// <param name="Version">The model version.</param>
/// <param name="From">The earliest decision timestamp in the run.</param>
/// <param name="To">The latest decision timestamp in the run.</param>
/// <param name="Count">Decisions in the run.</param>
/// <param name="FirstSeq">The run's first entry.</param>
/// <param name="LastSeq">The run's last entry.</param>
public sealed record VersionPeriod(string Version, DateTimeOffset From, DateTimeOffset To, long Count, long FirstSeq, long LastSeq);
