using DecisionLedger.Hosting;
using DecisionLedger.Decisions;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Writes one <c>decisionledger.sampling</c> decision per endpoint that sampled anything out since
/// the last report; the hosted ledger runs it on its schedule and at shutdown. A report that
/// cannot be written is carried to the next one.
/// </summary>
internal sealed class SamplingReporter(SamplingRegistry sampling, TimeProvider time, ILoggerFactory loggerFactory) : IDecisionLedgerReport
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("DecisionLedger.AspNetCore.Capture");

    /// <inheritdoc />
    public async Task WriteDueAsync(Func<Decision, CancellationToken, Task> write)
    {
        foreach (SamplingCounter counter in sampling.Counters)
        {
            DateTimeOffset until = time.GetUtcNow();
            (long sampledOut, DateTimeOffset since) = counter.Take(until);
            if (sampledOut == 0)
            {
                continue;
            }

            try
            {
                await write(SamplingReport.Create(counter, sampledOut, since, until), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                counter.Restore(sampledOut, since);
                CaptureLog.SamplingReportFailed(_logger, ex, counter.Endpoint, sampledOut);
            }
        }
    }
}
