using System.Text.Json;
using DecisionLedger.Decisions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Records the decision of a captured endpoint around the endpoint's own code: input from the
/// buffered body, output from the value the endpoint returns, context from the request.
/// </summary>
internal sealed class DecisionCaptureFilter : IEndpointFilter
{
    private static readonly object s_capturing = new();
    private static readonly object s_true = true;

    private readonly DecisionCaptureMetadata _metadata;
    private DecisionCaptureRuntime? _runtime;

    public DecisionCaptureFilter(DecisionCaptureMetadata metadata) => _metadata = metadata;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;

        // The filter belongs to one app's endpoints, so its singletons are resolved once.
        DecisionCaptureRuntime runtime = _runtime ??= http.RequestServices.GetService(typeof(DecisionCaptureRuntime)) as DecisionCaptureRuntime
            ?? throw new InvalidOperationException("RecordDecisions needs the decision ledger: call builder.Services.AddDecisionLedger(...).UseSqlite(path).AddEndpointCapture() at startup.");
        EndpointCapture endpointCapture = runtime.For(http, _metadata);

        // A group and its endpoint may both ask for capture: the outermost filter records once,
        // with the most specific options. Only then is the request's Items dictionary needed.
        if (endpointCapture.Nested && !http.Items.TryAdd(s_capturing, s_true))
        {
            return await next(context).ConfigureAwait(false);
        }

        DecisionCaptureMetadata capture = endpointCapture.Capture;
        DecisionCaptureOptions options = capture.Options;
        string endpoint = endpointCapture.Endpoint;
        long started = runtime.Time.GetTimestamp();

        object? result;
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            UnboundRequestCapture.MarkRecordedByFilter(http);
            TimeSpan failedAfter = runtime.Time.GetElapsedTime(started);
            JsonElement error = CapturedJson.ErrorOutput(ex.GetType().Name, StatusCodes.Status500InternalServerError);
            await RecordFailureAsync(http, endpointCapture, runtime, error, failedAfter).ConfigureAwait(false);
            throw;
        }

        TimeSpan latency = runtime.Time.GetElapsedTime(started);
        (int status, object? value) = Describe(result, http);
        bool failure = status is < 200 or >= 300;
        if (!failure && !(options.AlwaysRecord?.Invoke(http) ?? false) && !Sampled(options.SampleRate))
        {
            runtime.Sampling.For(endpoint, capture).Increment();
            runtime.Metrics.SampledOut(endpoint);
            return result;
        }

        if (options.SampleRate < 1.0)
        {
            // Registers the endpoint so its report window starts with its first request.
            runtime.Sampling.For(endpoint, capture);
        }

        if (failure)
        {
            UnboundRequestCapture.MarkRecordedByFilter(http);
        }

        JsonElement output = failure ? CapturedJson.ErrorOutput(ErrorMessage(value, status), status) : CapturedJson.SerializeOutput(value, runtime.Json);
        (Decision decision, Exception? selectorFailure) = await CapturedDecisionBuilder.BuildAsync(http, capture, runtime, endpoint, output, status, latency).ConfigureAwait(false);
        if (selectorFailure is not null)
        {
            // The selector's exception answers 500 as before, and that failure is a decision too:
            // recorded with the error in place of the output and no subject.
            UnboundRequestCapture.MarkRecordedByFilter(http);
            JsonElement error = CapturedJson.ErrorOutput($"SubjectSelector threw {selectorFailure.GetType().Name}", StatusCodes.Status500InternalServerError);
            await RecordFailureAsync(http, endpointCapture, runtime, error, latency).ConfigureAwait(false);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(selectorFailure);
        }

        try
        {
            await runtime.CaptureAsync(decision, options.Durability, endpointCapture.OnCommitFailed, options.RecordTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            runtime.Metrics.Failure(endpoint, options.OnLedgerFailure, CaptureMetrics.BeforeResponse);
            if (options.OnLedgerFailure == LedgerFailureMode.ProceedAndAlarm)
            {
                CaptureLog.ServedUnrecorded(runtime.Logger, ex, capture.ModelName, endpoint);
                return result;
            }

            CaptureLog.Withheld(runtime.Logger, ex, capture.ModelName, endpoint);

            // The 503 is the ledger's failure, already counted and logged: not a refused request.
            UnboundRequestCapture.MarkRecordedByFilter(http);
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
                Title = "Decision ledger unavailable",
                Detail = "The decision could not be recorded in the audit ledger, so its result is withheld. Retry later.",
            });
        }

        return result;
    }

    // Records a failure whose own exception is what the client and the logs must see: a recording
    // failure is logged, never thrown in its place.
    private static async Task RecordFailureAsync(HttpContext http, EndpointCapture endpointCapture, DecisionCaptureRuntime runtime, JsonElement error, TimeSpan latency)
    {
        DecisionCaptureMetadata capture = endpointCapture.Capture;
        DecisionCaptureOptions options = capture.Options;
        try
        {
            (Decision failed, _) = await CapturedDecisionBuilder.BuildAsync(http, capture, runtime, endpointCapture.Endpoint, error, StatusCodes.Status500InternalServerError, latency).ConfigureAwait(false);
            await runtime.CaptureAsync(failed, options.Durability, endpointCapture.OnCommitFailed, options.RecordTimeout).ConfigureAwait(false);
        }
        catch (Exception recordFailure) when (recordFailure is not OutOfMemoryException)
        {
            CaptureLog.FailureUnrecorded(runtime.Logger, recordFailure, capture.ModelName, endpointCapture.Endpoint);
        }
    }

    private static bool Sampled(double rate) => rate >= 1.0 || (rate > 0.0 && Random.Shared.NextDouble() < rate);

    private static (int Status, object? Value) Describe(object? result, HttpContext http) => result switch
    {
        IValueHttpResult valued => ((result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK, valued.Value),
        IStatusCodeHttpResult coded => (coded.StatusCode ?? StatusCodes.Status200OK, null),
        IResult => (http.Response.StatusCode, null),
        _ => (StatusCodes.Status200OK, result),
    };

    private static string ErrorMessage(object? value, int status) => value switch
    {
        string text when text.Length > 0 => text,
        ProblemDetails problem => problem.Detail ?? problem.Title ?? ReasonPhrases.GetReasonPhrase(status),
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : $"HTTP {status}",
    };
}
