namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// What the capture filter works out once per endpoint instead of once per request: the options in
/// force, the route pattern, whether several <c>RecordDecisions</c> apply, and the callback that raises
/// the alarm when a decision accepted under <see cref="CaptureDurability.Enqueued"/> fails to commit.
/// </summary>
internal sealed class EndpointCapture
{
    private readonly DecisionCaptureRuntime _runtime;

    public EndpointCapture(DecisionCaptureMetadata capture, string endpoint, bool nested, DecisionCaptureRuntime runtime)
    {
        Capture = capture;
        Endpoint = endpoint;
        Nested = nested;
        _runtime = runtime;

        // One delegate per endpoint: the recorder keeps it with each queued decision, so requests allocate none.
        OnCommitFailed = ReportCommitFailure;
    }

    /// <summary>The most specific capture metadata (endpoint over group).</summary>
    public DecisionCaptureMetadata Capture { get; }

    /// <summary>The route pattern, e.g. <c>/models/{id}</c>.</summary>
    public string Endpoint { get; }

    /// <summary>True when a group and its endpoint both ask for capture: only the outermost filter records.</summary>
    public bool Nested { get; }

    /// <summary>Told by the recorder (on its own task) when an accepted decision could not be committed.</summary>
    public Action<string, Exception> OnCommitFailed { get; }

    private void ReportCommitFailure(string requestId, Exception error)
    {
        // The response is long gone: whatever the failure mode, all that is left is the alarm.
        _runtime.Metrics.Failure(Endpoint, Capture.Options.OnLedgerFailure, CaptureMetrics.AfterResponse);
        CaptureLog.CommitFailedAfterServing(_runtime.Logger, error, requestId, Capture.ModelName, Endpoint);
    }
}
