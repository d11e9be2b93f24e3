namespace DecisionLedger.Hosting;

/// <summary>
/// Elects the single writer of a ledger among processes that may each write it (e.g. the
/// sequencers of a Redis buffer). DecisionLedger.PostgreSql implements it with an advisory lock
/// (<c>PostgreSqlLeaderElection</c>); the buffer depends only on this port.
/// </summary>
public interface ILeaderElection
{
    /// <summary>Waits until this process leads: keeps trying while another process leads or the election's backend is unreachable.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The leadership; dispose it to step down.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ILeadership> AcquireAsync(CancellationToken cancellationToken = default);
}
