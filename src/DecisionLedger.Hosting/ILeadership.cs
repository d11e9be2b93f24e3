namespace DecisionLedger.Hosting;

/// <summary>Leadership held by this process, from <see cref="ILeaderElection.AcquireAsync"/>; disposing it steps down.</summary>
public interface ILeadership : IAsyncDisposable
{
    /// <summary>Cancelled as soon as leadership can no longer be known to be held: stop writing immediately.</summary>
    CancellationToken Lost { get; }
}
