namespace DecisionLedger.Server.Drift;

/// <summary>
/// Continuous drift monitoring in the collector: the models watched, how often new checkpoints are read, and the
/// optional webhook alerts are posted to. Off while <see cref="Watches"/> is empty (the default). Usually loaded from
/// a JSON file with <see cref="DriftConfigFile.Load"/> (<c>dledger serve --drift-config FILE</c>).
/// </summary>
public sealed class DriftMonitorOptions
{
    /// <summary>The models watched.</summary>
    public IList<DriftWatchOptions> Watches { get; } = [];

    /// <summary>How often the monitor reads the entries of new checkpoints. Default one minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where alerts are posted as JSON; null (the default) for none.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Attempts per alert, the first included, before it is given up (and counted). Default 4.</summary>
    public int WebhookAttempts { get; set; } = 4;

    /// <summary>The wait before the second attempt; it doubles before each further one. Default 2 seconds.</summary>
    public TimeSpan WebhookBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt may take. Default 10 seconds.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Alerts waiting for the webhook; one more is dropped and counted, so a dead webhook holds bounded memory. Default 100.</summary>
    public int WebhookQueueCapacity { get; set; } = 100;

    /// <summary>True when at least one model is watched.</summary>
    public bool Enabled => Watches.Count > 0;

    /// <summary>Throws naming the first field out of range.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"drift.intervalSeconds: must be positive; got {Interval.TotalSeconds}.");
        }

        if (WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"drift.webhook.url: '{url}' is not an absolute http or https URL.");
        }

        if (WebhookAttempts is < 1 or > 20)
        {
            throw new ArgumentException($"drift.webhook.attempts: {WebhookAttempts} is out of range; use 1 to 20.");
        }

        if (WebhookBackoff < TimeSpan.Zero || WebhookTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("drift.webhook: backoffSeconds must not be negative and timeoutSeconds must be positive.");
        }

        if (WebhookQueueCapacity < 1)
        {
            throw new ArgumentException($"drift.webhook.queueCapacity: {WebhookQueueCapacity} is below 1.");
        }

        for (int i = 0; i < Watches.Count; i++)
        {
            _ = Watches[i].Specs($"drift.models[{i}]");
        }
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (2, 3, …): <see cref="WebhookBackoff"/> · 2^(attempt − 2).</summary>
    /// <param name="attempt">The attempt about to be made, 2 or more.</param>
    public TimeSpan BackoffBefore(int attempt) => WebhookBackoff * Math.Pow(2, Math.Max(0, attempt - 2));
}
