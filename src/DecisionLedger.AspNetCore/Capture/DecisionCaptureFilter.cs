using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Records the decision of a captured endpoint around the endpoint's own code: input from the
/// buffered body, output from the value the endpoint returns, context from the request.
/// </summary>
internal sealed class DecisionCaptureFilter : IEndpointFilter
{
    private static readonly object s_capturing = new();
    private readonly DecisionCaptureMetadata _metadata;

    public DecisionCaptureFilter(DecisionCaptureMetadata metadata) => _metadata = metadata;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;

        // A group and its endpoint may both ask for capture: the outermost filter records once,
        // with the most specific options.
        if (!http.Items.TryAdd(s_capturing, true))
        {
            return await next(context).ConfigureAwait(false);
        }

        DecisionCaptureMetadata capture = http.GetEndpoint()?.Metadata.GetMetadata<DecisionCaptureMetadata>() ?? _metadata;
        DecisionCaptureOptions options = capture.Options;
        DecisionCaptureRuntime runtime = http.RequestServices.GetService(typeof(DecisionCaptureRuntime)) as DecisionCaptureRuntime
            ?? throw new InvalidOperationException("RecordDecisions needs the decision ledger: call builder.Services.AddDecisionLedger(...).UseSqlite(path) at startup.");
        string endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "/";
        long started = runtime.Time.GetTimestamp();

        object? result;
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TimeSpan failedAfter = runtime.Time.GetElapsedTime(started);
            var error = new JsonObject { ["error"] = ex.GetType().Name, ["status"] = StatusCodes.Status500InternalServerError };
            Decision failed = await BuildAsync(http, capture, runtime, endpoint, ToElement(error), StatusCodes.Status500InternalServerError, failedAfter).ConfigureAwait(false);
            try
            {
                await RecordAsync(runtime, capture, endpoint, failed).ConfigureAwait(false);
            }
            catch (Exception recordFailure) when (recordFailure is not OutOfMemoryException)
            {
                // The endpoint's own exception is what the client and the logs must see.
                CaptureLog.FailureUnrecorded(runtime.Logger, recordFailure, capture.ModelName, endpoint);
            }

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

        JsonElement output = failure
            ? ToElement(new JsonObject { ["error"] = ErrorMessage(value, status), ["status"] = status })
            : SerializeOutput(value, runtime.Json);
        Decision decision = await BuildAsync(http, capture, runtime, endpoint, output, status, latency).ConfigureAwait(false);
        try
        {
            await RecordAsync(runtime, capture, endpoint, decision).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            runtime.Metrics.Failure(endpoint, LedgerFailureMode.FailClosed);
            CaptureLog.Withheld(runtime.Logger, ex, capture.ModelName, endpoint);
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

    /// <summary>
    /// FailClosed awaits the write (bounded by <see cref="DecisionCaptureOptions.RecordTimeout"/>): durability in
    /// the ledger, or the Redis buffer's acknowledgement with <c>UseRedisBuffer</c>; it throws on failure. ProceedAndAlarm returns at once and watches the outcome in the background.
    /// </summary>
    private static async Task RecordAsync(DecisionCaptureRuntime runtime, DecisionCaptureMetadata capture, string endpoint, Decision decision)
    {
        DecisionCaptureOptions options = capture.Options;
        if (options.OnLedgerFailure == LedgerFailureMode.ProceedAndAlarm)
        {
            _ = WatchAsync(runtime, capture, endpoint, decision);
            return;
        }

        using var timeout = new CancellationTokenSource(options.RecordTimeout, runtime.Time);
        await runtime.WriteAsync(decision, timeout.Token).ConfigureAwait(false);
    }

    private static async Task WatchAsync(DecisionCaptureRuntime runtime, DecisionCaptureMetadata capture, string endpoint, Decision decision)
    {
        try
        {
            using var timeout = new CancellationTokenSource(capture.Options.RecordTimeout, runtime.Time);
            await runtime.WriteAsync(decision, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            runtime.Metrics.Failure(endpoint, LedgerFailureMode.ProceedAndAlarm);
            CaptureLog.ServedUnrecorded(runtime.Logger, ex, capture.ModelName, endpoint);
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

    private static JsonElement SerializeOutput(object? value, JsonSerializerOptions json)
    {
        if (value is null)
        {
            return ToElement([]);
        }

        JsonElement element = JsonSerializer.SerializeToElement(value, json.GetTypeInfo(value.GetType()));
        return element.ValueKind == JsonValueKind.Object ? element : ToElement(new JsonObject { ["value"] = JsonNode.Parse(element.GetRawText()) });
    }

    private static async Task<Decision> BuildAsync(HttpContext http, DecisionCaptureMetadata capture, DecisionCaptureRuntime runtime, string endpoint, JsonElement output, int status, TimeSpan latency)
    {
        DecisionCaptureOptions options = capture.Options;
        JsonElement input = await ReadInputAsync(http.Request).ConfigureAwait(false);
        var context = http.RequestServices.GetService(typeof(IDecisionContext)) as IDecisionContext;

        var metadata = new JsonObject
        {
            ["endpoint"] = endpoint,
            ["method"] = http.Request.Method,
            ["status"] = status,
        };
        if (http.Connection.RemoteIpAddress is { } ip)
        {
            metadata["ip"] = ip.ToString();
        }

        if (TraceParent(http) is { } traceparent)
        {
            metadata["traceparent"] = traceparent;
        }

        if (context is not null)
        {
            foreach ((string key, object? value) in context.Metadata)
            {
                metadata[key] = value is null ? null : JsonSerializer.SerializeToNode(value, runtime.Json.GetTypeInfo(value.GetType()));
            }
        }

        string? user = http.User.Identity?.Name;
        if (string.IsNullOrEmpty(user) && options.UserHeader is not null)
        {
            user = Header(http, options.UserHeader);
        }

        string? tenant = options.TenantHeader is not null ? Header(http, options.TenantHeader) : null;
        if (tenant is null && options.TenantClaim is not null)
        {
            tenant = http.User.FindFirst(options.TenantClaim)?.Value;
        }

        string? subject = context?.Subject ?? options.SubjectSelector?.Invoke(http, input);

        return new Decision
        {
            Model = new ModelInfo
            {
                Name = capture.ModelName,
                Version = capture.ModelVersion,
                PipelineVersion = context?.PipelineVersion ?? options.PipelineVersion,
                ArtifactDigest = context?.ArtifactDigest ?? options.ArtifactDigest,
            },
            Input = input,
            Output = output,
            Explanation = context?.Explanation,
            Actor = user is null && tenant is null ? null : new Actor { UserId = user, Tenant = tenant },
            Subject = subject is null ? null : new DecisionSubject { Id = subject },
            LatencyMs = latency.TotalMilliseconds,
            Metadata = ToElement(metadata),
        };
    }

    private static async Task<JsonElement> ReadInputAsync(HttpRequest request)
    {
        // Without buffering (an endpoint whose delegate was not wrapped) the body is gone after binding.
        if (!request.Body.CanSeek || request.Body.Length == 0)
        {
            return ToElement([]);
        }

        request.Body.Position = 0;
        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : ToElement(new JsonObject { ["body"] = JsonNode.Parse(document.RootElement.GetRawText()) });
        }
        catch (JsonException)
        {
            request.Body.Position = 0;
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            string text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            return ToElement(new JsonObject { ["body"] = text });
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static string? TraceParent(HttpContext http)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return activity.Id;
        }

        string? header = Header(http, "traceparent");
        return header;
    }

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static JsonElement ToElement(JsonObject node) => JsonSerializer.SerializeToElement(node, JsonObjectContext.Default.JsonObject);
}
