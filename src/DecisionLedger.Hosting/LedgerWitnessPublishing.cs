using System.Diagnostics.Metrics;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Hosting;

/// <summary>
/// Runs the <see cref="WitnessPublisher"/> over the hosted recorder's store when
/// <see cref="DecisionLedgerOptions.Witnessing"/> is configured: each signed checkpoint is sent to
/// the policy's witnesses in the background, never in the recording path. Owned by
/// <see cref="DecisionLedgerHost"/>, which stops it before it closes the store.
/// </summary>
internal sealed class LedgerWitnessPublishing : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private LedgerWitnessPublishing(WitnessPublisher publisher, HttpClient http)
    {
        Publisher = publisher;
        _http = http;
        _running = Task.Run(() => Publisher.RunAsync(_stop.Token));
    }

    /// <summary>The running publisher.</summary>
    public WitnessPublisher Publisher { get; }

    /// <summary>Starts publishing the checkpoints of <paramref name="store"/>, or returns null when witnessing is off.</summary>
    /// <exception cref="ArgumentException">The witnessing options are invalid (the validator reports this at start already).</exception>
    public static LedgerWitnessPublishing? Start(ILedgerStore store, WitnessingOptions witnessing, TimeProvider time, ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        if (!witnessing.Enabled)
        {
            return null;
        }

        WitnessingConfiguration configuration = witnessing.Resolve("DecisionLedgerOptions.Witnessing.");
        var http = new HttpClient();
        try
        {
            return new LedgerWitnessPublishing(
                new WitnessPublisher(store, configuration, http, time, loggerFactory.CreateLogger<WitnessPublisher>(), meterFactory),
                http);
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
            Publisher.Dispose();
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
