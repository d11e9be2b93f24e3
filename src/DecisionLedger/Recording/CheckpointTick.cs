namespace DecisionLedger.Recording;

/// <summary>Wakes the builder so a due checkpoint is signed even when no decision arrives.</summary>
internal sealed class CheckpointTick : QueueItem
{
    public static readonly CheckpointTick Instance = new();

    private CheckpointTick()
    {
    }
}
