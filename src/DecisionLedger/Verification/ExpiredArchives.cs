namespace DecisionLedger.Verification;

/// <summary>What verification accepted as deleted by the retention policy: decisions whose archive files an <c>archive-expiry</c> event lists.</summary>
/// <param name="Decisions">The decisions of the verified range whose bodies expired; their leaves were taken from the tiles and checked against every signed root.</param>
/// <param name="Files">The expired archive files.</param>
/// <param name="EventSeqs">The seqs of the <c>archive-expiry</c> events, ascending.</param>
public sealed record ExpiredArchives(long Decisions, int Files, IReadOnlyList<long> EventSeqs);
