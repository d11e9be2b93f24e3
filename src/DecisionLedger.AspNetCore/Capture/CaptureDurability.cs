namespace DecisionLedger.AspNetCore.Capture;

/// <summary>What a captured endpoint's response waits for before it leaves: the decision accepted, or the decision durable.</summary>
public enum CaptureDurability
{
    /// <summary>
    /// The default: the response leaves once the decision is accepted into the recorder's bounded
    /// queue (with <c>UseRedisBuffer</c>: once Redis acknowledged it). The next group commit makes
    /// it durable (typically within milliseconds) and a graceful stop drains the queue; a failure
    /// after acceptance raises the alarm (Critical log, <c>decisionledger.capture.failures</c>).
    /// A hard crash (power loss, <c>kill -9</c>) loses the decisions accepted since the last group
    /// commit — those of one commit window — although their responses were served.
    /// </summary>
    Enqueued = 0,

    /// <summary>
    /// The response leaves only once the decision is durable in the ledger (its group commit, fsync
    /// included, is done): nothing served is ever lost, even on a crash, at the price of the commit's
    /// latency on every response. With <c>UseRedisBuffer</c> it is the same as <see cref="Enqueued"/>:
    /// the Redis acknowledgement (appendfsync always) is the durable point; the sequencer commits later.
    /// </summary>
    Committed = 1,
}
