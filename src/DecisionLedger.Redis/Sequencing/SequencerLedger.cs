using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>
/// The ledger a leader sequences into, opened when leadership is acquired and disposed when it
/// ends: the recorder (the ledger's single writer) and its store.
/// </summary>
/// <param name="Recorder">The started recorder; disposed first (drains what it holds).</param>
/// <param name="Store">The recorder's store.</param>
/// <param name="Owner">Whatever must be released after the recorder, e.g. the store; may be null.</param>
public sealed record SequencerLedger(DecisionRecorder Recorder, ILedgerStore Store, IAsyncDisposable? Owner) : IAsyncDisposable
{
    /// <summary>Stops the recorder, then releases <see cref="Owner"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Recorder.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            // A recorder whose store is gone (e.g. PostgreSQL restarting) may fail to drain; the store is released anyway.
            if (Owner is not null)
            {
                await Owner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
