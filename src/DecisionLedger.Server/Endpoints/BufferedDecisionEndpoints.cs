using System.Buffers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// <c>POST /v1/decisions</c> in buffer mode: each decision is validated, redacted and appended to
/// the ledger's Redis stream; 202 with <c>{"requestId","bufferId"}</c> once Redis acknowledged it.
/// With <c>Prefer: wait</c> (or <c>?wait=true</c>) the collector waits for the sequencer's receipt
/// and answers 200 with it, as the in-process collector does; 202 if it did not come in time.
/// </summary>
internal static class BufferedDecisionEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1/decisions", PostAsync).RequirePermission(ApiPermission.Ingest).RequireRateLimiting(IngestAdmission.Policy);

    private static async Task<IResult> PostAsync(HttpContext context, CollectorBuffer buffer, CollectorOptions options, DecisionParser parser, IngestMetrics metrics)
    {
        if (DecisionBody.IsBatchMediaType(context.Request) is not { } batch)
        {
            return Problems.UnsupportedMediaType(context.Request.ContentType);
        }

        bool wait = WantsReceipt(context.Request);
        try
        {
            if (batch)
            {
                // Streamed, as in process: a batch never holds its whole body or its parsed decisions.
                using var target = new BufferBatchTarget(context, buffer, parser, wait);
                return await NdjsonBatchIngest.RunAsync(context, target, options, metrics).ConfigureAwait(false);
            }

            (DecisionBody body, IResult? problem) = await DecisionBody.ReadAsync(context, options).ConfigureAwait(false);
            if (problem is not null)
            {
                metrics.Reject(IngestMetrics.TooLarge);
                return problem;
            }

            using (body)
            {
                return await BufferOneAsync(buffer, parser, body, wait).ConfigureAwait(false);
            }
        }
        catch (RedisException exception)
        {
            // Nothing acknowledged: the client must retry (with its requestId, so a repeat is de-duplicated).
            return Problems.Unavailable(context, $"buffer: Redis did not acknowledge the decision ({exception.Message}); it was NOT accepted. Retry shortly with the same requestId.");
        }
    }

    /// <summary>RFC 7240 <c>Prefer: wait</c> (any value) or the query <c>wait=true</c>.</summary>
    internal static bool WantsReceipt(HttpRequest request)
    {
        if (string.Equals(request.Query["wait"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (string? prefer in request.Headers["Prefer"])
        {
            foreach (string token in (prefer ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals("wait", StringComparison.OrdinalIgnoreCase) || token.StartsWith("wait=", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async Task<IResult> BufferOneAsync(CollectorBuffer buffer, DecisionParser parser, DecisionBody body, bool wait)
    {
        RedactedDecision prepared;
        try
        {
            prepared = buffer.Preparer.Prepare(parser.Parse(body.Bytes.WrittenSpan));
            body.Dispose();
        }
        catch (DecisionValidationException exception)
        {
            return Problems.BadRequest(exception.Message, DecisionEndpoints.ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
        }
        catch (RedactionException exception)
        {
            return Problems.BadRequest(exception.Message);
        }

        if (!wait)
        {
            string id = await buffer.Buffer.EnqueueAsync(prepared).ConfigureAwait(false);
            return Accepted(json => WriteAccepted(json, prepared.RequestId, id, line: null));
        }

        (string bufferId, RecordReceipt? receipt) = await buffer.Buffer.EnqueueAndWaitAsync(prepared, buffer.ReceiptWait).ConfigureAwait(false);
        return receipt is null
            ? Accepted(json => WriteAccepted(json, prepared.RequestId, bufferId, line: null))
            : JsonBody.Create(json => DecisionEndpoints.WriteReceipt(json, receipt, line: null));
    }

    /// <summary>Writes one buffered decision: <c>{"line"?,"requestId","bufferId"}</c>.</summary>
    internal static void WriteAccepted(Utf8JsonWriter json, string requestId, string bufferId, long? line)
    {
        json.WriteStartObject();
        if (line is { } number)
        {
            json.WriteNumber("line", number);
        }

        json.WriteString("requestId", requestId);
        json.WriteString("bufferId", bufferId);
        json.WriteEndObject();
    }

    private static IResult Accepted(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return Results.Text(Encoding.UTF8.GetString(buffer.WrittenSpan), "application/json", Encoding.UTF8, StatusCodes.Status202Accepted);
    }
}
