namespace DecisionLedger.Server.CloudEvents;

/// <summary>The pending-halves journal could not make a half durable; the half was not accepted (the sender gets 503 and retries).</summary>
internal sealed class CloudEventJournalException(string message, Exception? inner = null, bool heldElsewhere = false) : IOException(message, inner)
{
    /// <summary>True when another collector holds the journal (its lock file).</summary>
    public bool IsHeldElsewhere { get; } = heldElsewhere;
}
