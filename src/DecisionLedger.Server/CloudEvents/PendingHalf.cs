namespace DecisionLedger.Server.CloudEvents;

/// <summary>A half held by the <see cref="InferencePairer"/> until its partner arrives or its timeout fires.</summary>
internal sealed class PendingHalf(InferenceEvent half, DateTimeOffset received, Task durable)
{
    public InferenceEvent Event { get; } = half;

    /// <summary>When it was first accepted; the timeout runs from here, across restarts.</summary>
    public DateTimeOffset Received { get; } = received;

    /// <summary>Completes once its journal line is on disk.</summary>
    public Task Durable { get; } = durable;

    public ITimer? Timer { get; set; }
}
