namespace DecisionLedger.Replay;

/// <summary>What replaying one decision found.</summary>
public enum ReplayOutcome
{
    /// <summary>The replayed output matched the recorded one within tolerance.</summary>
    Matched,

    /// <summary>The replayed output differed; <see cref="ReplayResult.Differences"/> says where.</summary>
    Differed,

    /// <summary>The decision could not be replayed; <see cref="ReplayResult.Reason"/> says why.</summary>
    NotReplayable,
}
