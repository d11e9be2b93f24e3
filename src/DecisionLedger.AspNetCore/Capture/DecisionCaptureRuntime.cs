using System.Text.Json;
using DecisionLedger.Recording;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>The singletons every capture filter uses, resolved once.</summary>
internal sealed class DecisionCaptureRuntime
{
    private readonly IServiceProvider _services;
    private IDecisionRecorder? _recorder;

    public DecisionCaptureRuntime(
        IServiceProvider services,
        SamplingRegistry sampling,
        CaptureMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IOptions<JsonOptions> jsonOptions)
    {
        _services = services;
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

    /// <summary>The recorder; resolved on first use because it exists only once the host has started.</summary>
    public IDecisionRecorder Recorder => _recorder ??= _services.GetRequiredService<IDecisionRecorder>();
}
