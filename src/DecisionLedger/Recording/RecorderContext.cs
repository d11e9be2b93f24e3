using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>What every stage of one recorder shares: its store, options, clock, retry rule, metrics and log.</summary>
internal sealed record RecorderContext(ILedgerStore Store, LedgerOptions Options, TimeProvider Time, StoreRetry Retry, RecorderMetrics Metrics, ILogger Logger);
