using DecisionLedger.Storage;
using DecisionLedger.Timestamping;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// What a leading sequencer releases after its recorder: the checkpoint time-stamper (which gets one
/// last chance at the recorder's final checkpoint), then the store or session that owns the ledger.
/// </summary>
internal sealed class StampedOwner(CheckpointTimestamper? stamper, IAsyncDisposable owner) : IAsyncDisposable
{
    /// <summary>Starts a stamper on <paramref name="store"/> when authorities are configured.</summary>
    public static IAsyncDisposable Start(ILedgerStore store, TimestampingOptions options, TimeProvider time, ILoggerFactory loggers, IAsyncDisposable owner) =>
        options.Enabled ? new StampedOwner(CheckpointTimestamper.StartFor(store, options, time, loggers), owner) : owner;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (stamper is not null)
            {
                await stamper.DisposeAsync();
            }
        }
        finally
        {
            await owner.DisposeAsync();
        }
    }
}
