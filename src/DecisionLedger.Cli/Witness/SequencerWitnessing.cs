using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// Runs a <see cref="WitnessPublisher"/> beside a leading sequencer's recorder, for as long as it
/// leads: it starts with the ledger and stops before the ledger's store is released.
/// </summary>
internal sealed class SequencerWitnessing : IAsyncDisposable
{
    private readonly WitnessPublisher _publisher;
    private readonly HttpClient _http;
    private readonly IAsyncDisposable? _inner;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private SequencerWitnessing(WitnessPublisher publisher, HttpClient http, IAsyncDisposable? inner)
    {
        _publisher = publisher;
        _http = http;
        _inner = inner;
        _running = Task.Run(() => _publisher.RunAsync(_stop.Token));
    }

    /// <summary>Starts publishing the checkpoints of <paramref name="ledger"/>; the returned ledger stops it when disposed.</summary>
    public static SequencerLedger Attach(SequencerLedger ledger, WitnessingConfiguration configuration, TimeProvider time, ILoggerFactory loggers)
    {
        var http = new HttpClient();
        try
        {
            var publisher = new WitnessPublisher(ledger.Store, configuration, http, time, loggers.CreateLogger<WitnessPublisher>());
            return ledger with { Owner = new SequencerWitnessing(publisher, http, ledger.Owner) };
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        finally
        {
            _publisher.Dispose();
            _http.Dispose();
            _stop.Dispose();
            if (_inner is not null)
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
