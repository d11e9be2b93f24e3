using System.Globalization;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace DecisionLedger.Server.CloudEvents;

/// <summary><c>POST /v1/cloudevents</c>: the KServe inference logger's sink.</summary>
internal static class CloudEventEndpoints
{
    /// <summary>The route.</summary>
    public const string Route = "/v1/cloudevents";

    /// <summary>Registers the pairer; call after the <see cref="CollectorLedger"/> (and, in buffer mode, <see cref="CollectorBuffer"/>) hosted services, so it starts after and stops before them.</summary>
    public static void AddServices(IServiceCollection services, CollectorOptions options)
    {
        // A pair holds two bodies of up to MaxDecisionBytes each, plus attributes.
        int limit = (int)Math.Min((2 * options.MaxDecisionBytes) + (64 * 1024), int.MaxValue);
        services.TryAddSingleton(new InferenceDecisionBuilder(new DecisionParser(new DecisionLimits { MaxPayloadBytes = limit }), options.CloudEventModelVersion));
        if (options.RedisBuffer is null)
        {
            services.TryAddSingleton<IInferenceDecisionSink, LedgerDecisionSink>();
        }
        else
        {
            services.TryAddSingleton<IInferenceDecisionSink, BufferedDecisionSink>();
        }

        services.TryAddSingleton<InferencePairer>();
        services.AddHostedService(provider => provider.GetRequiredService<InferencePairer>());
    }

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost(Route, PostAsync)
            .RequirePermission(ApiPermission.Ingest)
            .RequireRateLimiting(IngestAdmission.Policy)
            .WithSummary("Record a KServe inference logger CloudEvent (request or response half)")
            .WithDescription("Binary-mode CloudEvents 1.0 as KServe's logger sends them (ce-specversion, ce-id, ce-source, ce-type, ce-time, ce-inferenceservicename, ce-namespace, ce-component, ce-endpoint, ce-metadata; the inference body as the body), or structured mode (application/cloudevents+json). Halves are paired by ce-id: 202 once a half waiting for its partner is durable (in the collector's pending-halves journal), 200 with the receipt when the pair is recorded (in buffer mode: 202 with the buffer id, or 200 with the receipt with Prefer: wait). A half alone past the timeout is recorded alone. 415 names the accepted modes when the request is neither; 503 with Retry-After when too many ingest requests are in flight (shared with POST /v1/decisions).")
            .WithTags("Recording")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status202Accepted, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> PostAsync(HttpContext context, InferencePairer pairer, CollectorOptions options)
    {
        HttpRequest request = context.Request;
        ApiCaller caller = ApiKeyEndpointFilter.Caller(context);
        if (InferenceEventReader.IsBatch(request))
        {
            return Problems.UnsupportedCloudEventBatch(request.ContentType);
        }

        if (!InferenceEventReader.IsStructured(request) && !request.Headers.Keys.Any(name => name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)))
        {
            // Neither mode: no ce-* header and not application/cloudevents+json (e.g. curl -d without -H).
            return Problems.NotACloudEvent(request.ContentType);
        }

        byte[]? body = await BodyReader.ReadAsync(request, options.MaxDecisionBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            CollectorLog.TooLarge(ApiKeyEndpointFilter.Logger(context), options.MaxDecisionBytes, caller.KeyId);
            return Problems.TooLarge(options.MaxDecisionBytes);
        }

        InferenceEvent half;
        PairingOutcome outcome;
        try
        {
            half = InferenceEventReader.IsStructured(request)
                ? InferenceEventReader.ReadStructured(body)
                : InferenceEventReader.ReadBinary(request.Headers, request.ContentType, body);
            outcome = await pairer.AcceptAsync(half, BufferedDecisionEndpoints.WantsReceipt(request)).ConfigureAwait(false);
        }
        catch (CloudEventFormatException exception)
        {
            CollectorLog.CloudEventRefused(ApiKeyEndpointFilter.Logger(context), caller.KeyId, exception.Field, exception.Problem);
            return Problems.BadRequest(exception.Message, Extensions(exception.Field, exception.Problem, exception.Fix));
        }
        catch (DecisionValidationException exception)
        {
            CollectorLog.CloudEventRefused(ApiKeyEndpointFilter.Logger(context), caller.KeyId, exception.Path, exception.Problem);
            return Problems.BadRequest(exception.Message, Extensions(exception.Path, exception.Problem, exception.Fix));
        }
        catch (DuplicateRequestIdException exception)
        {
            return Problems.Conflict(
                "The decision is already recorded.",
                $"ce-id: '{exception.RequestId}' is already a request id of this ledger; KServe reuses an inference's Ce-Id header when the caller sends one, so send a new id per inference.",
                Extensions("ce-id", "already recorded", "send a new id per inference"));
        }
        catch (LedgerQueueFullException exception)
        {
            return Problems.Unavailable(exception.Message);
        }
        catch (RedactionException exception)
        {
            return Problems.BadRequest(exception.Message);
        }
        catch (CloudEventJournalException exception) when (exception.IsHeldElsewhere)
        {
            return Problems.Unavailable($"cloudevents: {exception.Message}");
        }
        catch (CloudEventJournalException exception)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Unavailable($"cloudevents: {exception.Message} Retry shortly.");
        }
        catch (RedisException exception)
        {
            // Nothing acknowledged: the sender retries; a pending partner is held again.
            context.Response.Headers.RetryAfter = "1";
            return Problems.Unavailable($"buffer: Redis did not acknowledge the decision ({exception.Message}); it was NOT accepted. Retry shortly.");
        }

        string waitingFor = half.Kind == InferenceEventKind.Request ? "response" : "request";
        switch (outcome.Status)
        {
            case PairingStatus.Paired when outcome.Record!.Receipt is null:
                InferenceRecord buffered = outcome.Record;
                return Buffered(buffered.RequestId, buffered.BufferId!);
            case PairingStatus.Paired:
                RecordReceipt receipt = outcome.Record!.Receipt!;
                return JsonBody.Create(json =>
                {
                    json.WriteStartObject();
                    json.WriteString("status", "recorded");
                    json.WriteNumber("seq", receipt.Seq);
                    json.WriteString("requestId", receipt.RequestId);
                    json.WriteString("leafHash", receipt.LeafHashBase64);
                    json.WriteEndObject();
                });
            case PairingStatus.Pending or PairingStatus.Redelivered:
                return Accepted(half.Id, outcome.Status == PairingStatus.Pending ? "pending" : "redelivered", waitingFor, options.CloudEventPairTimeout);
            case PairingStatus.Conflict:
                return Problems.Conflict(
                    "A different event with this id is pending.",
                    $"ce-id: a different {(half.Kind == InferenceEventKind.Request ? "request" : "response")} with id '{half.Id}' is already waiting for its {waitingFor}; send one request and one response per id.",
                    Extensions("ce-id", "a different half of the same type is pending", "send one request and one response per id"));
            case PairingStatus.Full:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Unavailable(string.Create(CultureInfo.InvariantCulture, $"cloudevents: {options.MaxPendingCloudEvents} halves are already waiting for their partner (MaxPendingCloudEvents); retry shortly."));
            default:
                return Problems.Unavailable("recorder: not started or shutting down; retry shortly (see /readyz).");
        }
    }

    private static IResult Buffered(string requestId, string bufferId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "buffered");
            json.WriteString("requestId", requestId);
            json.WriteString("bufferId", bufferId);
            json.WriteEndObject();
        }

        return Results.Text(buffer.WrittenSpan, "application/json", StatusCodes.Status202Accepted);
    }

    private static IResult Accepted(string id, string status, string waitingFor, TimeSpan timeout)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteString("ceId", id);
            json.WriteString("waitingFor", waitingFor);
            json.WriteNumber("timeoutSeconds", timeout.TotalSeconds);
            json.WriteEndObject();
        }

        return Results.Text(buffer.WrittenSpan, "application/json", StatusCodes.Status202Accepted);
    }

    private static Dictionary<string, object?> Extensions(string field, string problem, string fix) =>
        new() { ["path"] = field, ["problem"] = problem, ["fix"] = fix };
}
