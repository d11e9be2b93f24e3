using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Drift;

/// <summary>
/// Posts drift alerts to the configured URL from its own loop: the monitor only calls <see cref="TryEnqueue"/>, which
/// never waits, so a slow or dead webhook delays neither the monitor nor ingestion. Each alert gets
/// <see cref="DriftMonitorOptions.WebhookAttempts"/> attempts with doubling backoff; every failed attempt, every alert
/// given up and every alert dropped from a full queue is counted and logged.
/// </summary>
internal sealed partial class DriftWebhook : IDisposable
{
    private readonly DriftMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly DriftMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly Channel<DriftAlert> _queue;

    public DriftWebhook(DriftMonitorOptions options, TimeProvider time, DriftMetrics metrics, ILogger logger, HttpMessageHandler? handler = null)
    {
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;

        // The per-attempt timeout is ours (a linked token), so the client's own stays out of the way.
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _queue = Channel.CreateBounded<DriftAlert>(new BoundedChannelOptions(options.WebhookQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Queues <paramref name="alert"/> for posting; false (counted as <c>queue_full</c>) when the queue is full.</summary>
    public bool TryEnqueue(DriftAlert alert)
    {
        if (_queue.Writer.TryWrite(alert))
        {
            return true;
        }

        _metrics.WebhookFailure("queue_full");
        LogDropped(_logger, alert.Model, alert.VersionTag, alert.Window.Start);
        return false;
    }

    /// <summary>Posts queued alerts until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (DriftAlert alert in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(alert, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Posts one alert, retrying; true when the webhook accepted it.</summary>
    internal async Task<bool> DeliverAsync(DriftAlert alert, CancellationToken cancellationToken)
    {
        byte[] body = alert.ToJson();
        for (int attempt = 1; attempt <= _options.WebhookAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(_options.BackoffBefore(attempt), _time, cancellationToken).ConfigureAwait(false);
            }

            string failure;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.WebhookTimeout);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using HttpResponseMessage response = await _http.PostAsync(_options.WebhookUrl, content, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    _metrics.WebhookDelivered();
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failure = exception is OperationCanceledException ? $"no answer within {_options.WebhookTimeout.TotalSeconds} s" : exception.Message;
            }

            _metrics.WebhookFailure("attempt_failed");
            LogAttemptFailed(_logger, attempt, _options.WebhookAttempts, alert.Model, alert.VersionTag, failure);
        }

        _metrics.WebhookFailure("gave_up");
        LogGaveUp(_logger, alert.Model, alert.VersionTag, alert.Window.Start, _options.WebhookAttempts);
        return false;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = 3072, Level = LogLevel.Warning, Message = "Drift webhook attempt {Attempt} of {Attempts} for {Model} {Version} failed: {Failure}")]
    private static partial void LogAttemptFailed(ILogger logger, int attempt, int attempts, string model, string version, string failure);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Error, Message = "Drift webhook gave up on the alert for {Model} {Version}, window {WindowStart:O}, after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string model, string version, DateTimeOffset windowStart, int attempts);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Error, Message = "Drift webhook queue full: the alert for {Model} {Version}, window {WindowStart:O}, was dropped (still logged and counted)")]
    private static partial void LogDropped(ILogger logger, string model, string version, DateTimeOffset windowStart);
}
