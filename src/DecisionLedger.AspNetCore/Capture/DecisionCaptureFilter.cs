using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Records;
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

    // An immutable, owned document: safe to share between decisions.
    private static readonly JsonElement s_emptyObject = JsonElement.Parse("{}"u8);

    // Bodies up to this size are read into a pooled array and parsed in one go; larger ones stream.
    private const int MaxPooledBody = 1024 * 1024;
    private readonly DecisionCaptureMetadata _metadata;
    private DecisionCaptureRuntime? _runtime;

    public DecisionCaptureFilter(DecisionCaptureMetadata metadata) => _metadata = metadata;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;

        // The filter belongs to one app's endpoints, so its singletons are resolved once.
        DecisionCaptureRuntime runtime = _runtime ??= http.RequestServices.GetService(typeof(DecisionCaptureRuntime)) as DecisionCaptureRuntime
            ?? throw new InvalidOperationException("RecordDecisions needs the decision ledger: call builder.Services.AddDecisionLedger(...).UseSqlite(path) at startup.");
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
            TimeSpan failedAfter = runtime.Time.GetElapsedTime(started);
            JsonElement error = ErrorOutput(ex.GetType().Name, StatusCodes.Status500InternalServerError);
            try
            {
                Decision failed = await BuildAsync(http, capture, runtime, endpoint, error, StatusCodes.Status500InternalServerError, failedAfter).ConfigureAwait(false);
                await runtime.CaptureAsync(failed, options.Durability, endpointCapture.OnCommitFailed, options.RecordTimeout).ConfigureAwait(false);
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

        JsonElement output = failure ? ErrorOutput(ErrorMessage(value, status), status) : SerializeOutput(value, runtime.Json);
        Decision decision = await BuildAsync(http, capture, runtime, endpoint, output, status, latency).ConfigureAwait(false);
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
            return EmptyObject();
        }

        JsonElement element = JsonSerializer.SerializeToElement(value, json.GetTypeInfo(value.GetType()));
        return element.ValueKind == JsonValueKind.Object ? element : Wrap("value", element);
    }

    private static async Task<Decision> BuildAsync(HttpContext http, DecisionCaptureMetadata capture, DecisionCaptureRuntime runtime, string endpoint, JsonElement output, int status, TimeSpan latency)
    {
        DecisionCaptureOptions options = capture.Options;
        JsonElement input = await ReadInputAsync(http.Request).ConfigureAwait(false);
        var context = http.RequestServices.GetService(typeof(IDecisionContext)) as IDecisionContext;

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
            Metadata = Metadata(http, endpoint, status, context, runtime.Json),
        };
    }

    // Written straight to UTF-8 (a pooled, per-thread writer) rather than built as a JsonObject tree
    // and serialized: the same bytes without a dozen node allocations per request.
    private static JsonElement Metadata(HttpContext http, string endpoint, int status, IDecisionContext? context, JsonSerializerOptions json)
    {
        CaptureJsonWriter buffer = CaptureJsonWriter.Rent();
        try
        {
            Utf8JsonWriter writer = buffer.Writer;
            writer.WriteStartObject();
            writer.WriteString("endpoint", endpoint);
            writer.WriteString("method", http.Request.Method);
            writer.WriteNumber("status", status);
            if (http.Connection.RemoteIpAddress is { } ip)
            {
                Span<char> text = stackalloc char[64];
                if (ip.TryFormat(text, out int written))
                {
                    writer.WriteString("ip", text[..written]);
                }
                else
                {
                    writer.WriteString("ip", ip.ToString());
                }
            }

            if (TraceParent(http) is { } traceparent)
            {
                writer.WriteString("traceparent", traceparent);
            }

            if (context is not null && context.Metadata.Count > 0)
            {
                // Keys set by the endpoint replace the built-in ones, as they did when this was a JsonObject.
                foreach ((string key, object? value) in context.Metadata)
                {
                    if (key is "endpoint" or "method" or "status" or "ip" or "traceparent")
                    {
                        return MetadataWithOverrides(http, endpoint, status, context, json);
                    }
                }

                foreach ((string key, object? value) in context.Metadata)
                {
                    writer.WritePropertyName(key);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, json.GetTypeInfo(value.GetType()));
                    }
                }
            }

            writer.WriteEndObject();
            return buffer.ToElement();
        }
        finally
        {
            buffer.Return();
        }
    }

    // The rare endpoint that overrides a built-in metadata key: build it as a node tree, last write wins.
    private static JsonElement MetadataWithOverrides(HttpContext http, string endpoint, int status, IDecisionContext context, JsonSerializerOptions json)
    {
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

        foreach ((string key, object? value) in context.Metadata)
        {
            metadata[key] = value is null ? null : JsonSerializer.SerializeToNode(value, json.GetTypeInfo(value.GetType()));
        }

        return ToElement(metadata);
    }

    private static async Task<JsonElement> ReadInputAsync(HttpRequest request)
    {
        // Without buffering (an endpoint whose delegate was not wrapped) the body is gone after binding.
        if (!request.Body.CanSeek || request.Body.Length == 0)
        {
            return EmptyObject();
        }

        long length = request.Body.Length;
        request.Body.Position = 0;
        try
        {
            if (length <= MaxPooledBody)
            {
                // The buffered body is already in memory (or a small temp file): read it whole into a
                // pooled array and parse once, synchronously, into a document the decision owns.
                byte[] rented = ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    int read = await request.Body.ReadAtLeastAsync(rented.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, request.HttpContext.RequestAborted).ConfigureAwait(false);
                    return ParseInput(rented.AsSpan(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : Wrap("body", document.RootElement);
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

    private static JsonElement ParseInput(ReadOnlySpan<byte> body)
    {
        JsonElement element = JsonElement.Parse(body);
        return element.ValueKind == JsonValueKind.Object ? element : Wrap("body", element);
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

    private static JsonElement ErrorOutput(string error, int status) => ToElement(new JsonObject { ["error"] = error, ["status"] = status });

    private static JsonElement EmptyObject() => s_emptyObject;

    private static JsonElement Wrap(string name, JsonElement value) => ToElement(new JsonObject { [name] = JsonNode.Parse(value.GetRawText()) });

    private static JsonElement ToElement(JsonObject node) => JsonSerializer.SerializeToElement(node, JsonObjectContext.Default.JsonObject);
}
