using System.Collections.Concurrent;
using System.Text.Json;
using DecisionLedger.Hosting;
using DecisionLedger.Decisions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The singletons every capture filter uses, resolved once, and the per-endpoint state.</summary>
internal sealed class DecisionCaptureRuntime
{
    private readonly DecisionLedgerHost _host;
    private readonly ConcurrentDictionary<Endpoint, EndpointCapture> _endpoints = new();

    public DecisionCaptureRuntime(
        DecisionLedgerHost host,
        SamplingRegistry sampling,
        CaptureMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IOptions<JsonOptions> jsonOptions)
    {
        _host = host;
        Sampling = sampling;
        Metrics = metrics;
        Time = time;
        Logger = loggerFactory.CreateLogger("DecisionLedger.AspNetCore.Capture");
        Json = jsonOptions.Value.SerializerOptions;
    }

    public SamplingRegistry Sampling { get; }

    public CaptureMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The app's JSON options (those minimal APIs serialize responses with).</summary>
    public JsonSerializerOptions Json { get; }

    /// <summary>The per-endpoint state of the request's endpoint, worked out on its first request.</summary>
    public EndpointCapture For(HttpContext http, DecisionCaptureMetadata filterMetadata)
    {
        if (http.GetEndpoint() is not { } endpoint)
        {
            return Describe(null, http, filterMetadata);
        }

        return _endpoints.TryGetValue(endpoint, out EndpointCapture? known)
            ? known
            : _endpoints.GetOrAdd(endpoint, Describe(endpoint, http, filterMetadata));
    }

    /// <summary>
    /// Hands the decision over and completes when the response may leave: once it is queued
    /// (<see cref="CaptureDurability.Enqueued"/>) or durable (<see cref="CaptureDurability.Committed"/>);
    /// with a buffer, once the buffer acknowledged it. Fails when that cannot happen within <paramref name="timeout"/>.
    /// </summary>
    public ValueTask CaptureAsync(Decision decision, CaptureDurability durability, Action<string, Exception> onCommitFailed, TimeSpan timeout) =>
        _host.CaptureAsync(decision, untilCommitted: durability == CaptureDurability.Committed, onCommitFailed, timeout);

    private EndpointCapture Describe(Endpoint? endpoint, HttpContext http, DecisionCaptureMetadata filterMetadata)
    {
        IReadOnlyList<DecisionCaptureMetadata> all = endpoint?.Metadata.GetOrderedMetadata<DecisionCaptureMetadata>() ?? [];
        DecisionCaptureMetadata capture = all.Count > 0 ? all[^1] : filterMetadata;
        string route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "/";
        return new EndpointCapture(capture, route, nested: all.Count > 1, this);
    }
}
