using DecisionLedger.Decisions;

namespace DecisionLedger.Hosting;

/// <summary>
/// Decisions the host owes the ledger on a schedule rather than per request, such as the counts
/// of decisions an endpoint sampled out: written every <see cref="DecisionLedgerOptions.SamplingReportInterval"/>
/// and once more at shutdown, before the recorder drains. Register implementations as singletons.
/// </summary>
public interface IDecisionLedgerReport
{
    /// <summary>Writes what is due through <paramref name="write"/>; a failed write should be carried to the next call.</summary>
    /// <param name="write">Hands one decision to the ledger (or the buffer) and completes once it is accepted.</param>
    /// <returns>A task completing once every due decision was handed over.</returns>
    Task WriteDueAsync(Func<Decision, CancellationToken, Task> write);
}
