namespace DecisionLedger.Recording;

/// <summary>Wakes the builder so requests a failed group commit handed back (<see cref="HandedBackRequests"/>) are rebuilt even when no decision arrives.</summary>
internal sealed class HandedBackWakeUp : QueueItem
{
    public static readonly HandedBackWakeUp Instance = new();

    private HandedBackWakeUp()
    {
    }
}
