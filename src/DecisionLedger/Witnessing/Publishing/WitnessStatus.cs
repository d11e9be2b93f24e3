namespace DecisionLedger.Witnessing.Publishing;

/// <summary>How one witness of the policy stands with the ledger, as the publisher last saw it (dashboard and status API).</summary>
/// <param name="Name">The witness's name in the policy.</param>
/// <param name="VerifierKey">The witness's verifier key.</param>
/// <param name="Url">Its submission prefix.</param>
/// <param name="CosignedSize">The largest tree size it cosigned for this ledger (0 when none yet).</param>
/// <param name="KnownSize">The size the ledger believes the witness holds: the <c>old</c> of the next request.</param>
/// <param name="Failures">Requests that failed since the process started (unreachable, refused, rejected, bad answers).</param>
/// <param name="ConsecutiveFailures">Failures since the last cosignature; the retry delay grows with it.</param>
/// <param name="SplitViews">Times the witness refused a checkpoint it should have accepted (409/422 on the ledger's own history): a split-view signal.</param>
/// <param name="LastError">The last failure in words, or null.</param>
/// <param name="LastErrorAt">When it happened, or null.</param>
/// <param name="LastCosignedAt">When the last cosignature arrived, or null.</param>
/// <param name="NextAttemptAt">When a failing witness is retried, or null when it is not waiting.</param>
public sealed record WitnessStatus(
    string Name,
    string VerifierKey,
    Uri Url,
    long CosignedSize,
    long KnownSize,
    long Failures,
    int ConsecutiveFailures,
    long SplitViews,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? LastCosignedAt,
    DateTimeOffset? NextAttemptAt);
