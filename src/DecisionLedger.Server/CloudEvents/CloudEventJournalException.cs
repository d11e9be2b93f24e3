namespace DecisionLedger.Server.CloudEvents;

/// <summary>The pending-halves journal could not make a half durable; the half was not accepted (the sender gets 503 and retries).</summary>
internal sealed class CloudEventJournalException(string message, Exception? inner = null) : IOException(message, inner);
