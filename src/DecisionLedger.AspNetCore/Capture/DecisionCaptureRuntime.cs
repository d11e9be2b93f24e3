using System.Text.Json;
using DecisionLedger.AspNetCore.Hosting;
using DecisionLedger.Records;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The singletons every capture filter uses, resolved once.</summary>
internal sealed class DecisionCaptureRuntime
{
    private readonly DecisionLedgerHost _host;

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

    /// <summary>Records the decision (durable in the ledger) or, with a decision buffer, buffers it (acknowledged by the buffer).</summary>
    public Task WriteAsync(Decision decision, CancellationToken cancellationToken) => _host.WriteAsync(decision, cancellationToken);
}
