namespace DecisionLedger.Recording;

/// <summary>The recorder's queue is full and its policy is <see cref="QueueFullPolicy.Reject"/>.</summary>
public sealed class LedgerQueueFullException : Exception
{
    /// <summary>Creates the exception naming the queue capacity.</summary>
    public LedgerQueueFullException(int capacity)
        : base($"The decision queue is full ({capacity} pending); the decision was not recorded. Retry later, raise LedgerOptions.QueueCapacity, or use QueueFullPolicy.Wait.")
    {
    }

    /// <summary>Creates the exception for a decision that waited <paramref name="waited"/> for room in vain (<see cref="LedgerOptions.EnqueueTimeout"/>).</summary>
    public LedgerQueueFullException(int capacity, TimeSpan waited)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The decision queue stayed full ({capacity} pending) for {waited.TotalSeconds:0.###} s (LedgerOptions.EnqueueTimeout); the decision was not recorded. Retry later, or raise LedgerOptions.QueueCapacity or EnqueueTimeout."))
    {
        Waited = waited;
    }

    /// <summary>How long the decision waited for room before it was refused; zero when it was refused at once (<see cref="QueueFullPolicy.Reject"/>).</summary>
    public TimeSpan Waited { get; }

    /// <summary>Creates the exception with a custom message.</summary>
    public LedgerQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a custom message and cause.</summary>
    public LedgerQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public LedgerQueueFullException()
        : base("The decision queue is full; the decision was not recorded.")
    {
    }
}
