using DecisionLedger.Recording;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>Where a CloudEvents decision went: the ledger (a receipt) or the Redis buffer (a buffer id, and the receipt when it came in time).</summary>
/// <param name="RequestId">The decision's request id (the <c>ce-id</c>).</param>
/// <param name="Receipt">The ledger's receipt; null when the decision is buffered and its receipt was not awaited or did not come in time.</param>
/// <param name="BufferId">The Redis stream entry id in buffer mode; null when recorded in process.</param>
internal sealed record InferenceRecord(string RequestId, RecordReceipt? Receipt, string? BufferId);
