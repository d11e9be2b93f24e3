using System.Text.Json;
using DecisionLedger.Decisions;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Records the requests of a captured endpoint that fail before its endpoint filters run: a body
/// that is not JSON, or JSON the parameters cannot be bound from (a wrong type, a missing field).
/// Minimal APIs answer those 400 during model binding, so the
/// capture filter never sees them; they are decisions too ("refused"), recorded as failures with
/// what is known: the body (redacted by the ledger like any input), the status and the error.
/// </summary>
/// <remarks>
/// It wraps the endpoint's request delegate, around binding and the filters. The filter marks the
/// request when it records a failure itself, so nothing is recorded twice; a request it recorded
/// as a success is never answered 4xx or 5xx afterwards, so it needs no mark, and the common
/// path allocates nothing.
/// </remarks>
internal static class UnboundRequestCapture
{
    private static readonly object s_recordedByFilter = new();
    private static readonly object s_true = true;

    /// <summary>Notes that the capture filter records this request's failure itself.</summary>
    public static void MarkRecordedByFilter(HttpContext http) => http.Items[s_recordedByFilter] = s_true;

    /// <summary>Runs the endpoint (binding, filters, handler) with a buffered body, and records a failure that never reached the filter.</summary>
    public static async Task InvokeAsync(HttpContext http, RequestDelegate endpoint)
    {
        http.Request.EnableBuffering();
        if (http.RequestServices.GetService(typeof(DecisionCaptureRuntime)) is not DecisionCaptureRuntime runtime)
        {
            // The filter reports the missing AddEndpointCapture when it runs.
            await endpoint(http).ConfigureAwait(false);
            return;
        }

        long started = runtime.Time.GetTimestamp();
        try
        {
            await endpoint(http).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!RecordedByFilter(http))
        {
            // ThrowOnBadRequest (development): the binder's message names the parameter and the JSON path.
            string error = ex.InnerException is JsonException json ? $"{ex.Message} {json.Message}" : ex.Message;
            await RecordAsync(http, runtime, ex.StatusCode, error, started).ConfigureAwait(false);
            throw;
        }

        int status = http.Response.StatusCode;
        if (status >= StatusCodes.Status400BadRequest && !RecordedByFilter(http))
        {
            await RecordAsync(http, runtime, status, await DescribeBodyAsync(http, status).ConfigureAwait(false), started).ConfigureAwait(false);
        }
    }

    private static bool RecordedByFilter(HttpContext http) => http.Items.ContainsKey(s_recordedByFilter);

    private static async Task RecordAsync(HttpContext http, DecisionCaptureRuntime runtime, int status, string error, long started)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<DecisionCaptureMetadata>() is not { } metadata)
        {
            return;
        }

        EndpointCapture endpointCapture = runtime.For(http, metadata);
        DecisionCaptureMetadata capture = endpointCapture.Capture;
        DecisionCaptureOptions options = capture.Options;
        try
        {
            TimeSpan latency = runtime.Time.GetElapsedTime(started);
            (Decision decision, _) = await CapturedDecisionBuilder.BuildAsync(http, capture, runtime, endpointCapture.Endpoint, CapturedJson.ErrorOutput(error, status), status, latency).ConfigureAwait(false);
            await runtime.CaptureAsync(decision, options.Durability, endpointCapture.OnCommitFailed, options.RecordTimeout).ConfigureAwait(false);
        }
        catch (Exception recordFailure) when (recordFailure is not OutOfMemoryException)
        {
            // The client's answer (the binder's 400) stands; the missing record is an alarm.
            CaptureLog.FailureUnrecorded(runtime.Logger, recordFailure, capture.ModelName, endpointCapture.Endpoint);
        }
    }

    // Without ThrowOnBadRequest the binder tells the client nothing and logs at debug level only;
    // the body itself says whether it was malformed JSON or JSON of the wrong shape.
    private static async Task<string> DescribeBodyAsync(HttpContext http, int status)
    {
        HttpRequest request = http.Request;
        if (status != StatusCodes.Status400BadRequest || !request.Body.CanSeek)
        {
            return Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        }

        if (request.Body.Length == 0)
        {
            return "the request body is empty; the endpoint requires a JSON body";
        }

        request.Body.Position = 0;
        try
        {
            using JsonDocument parsed = await JsonDocument.ParseAsync(request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
            return "the JSON body could not be bound to the endpoint's parameters (a wrong type or a missing field)";
        }
        catch (JsonException ex)
        {
            return $"the request body is not valid JSON: {ex.Message}";
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
