using System.Buffers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
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

    private static async Task<IResult> PostAsync(HttpContext context, CollectorBuffer buffer, CollectorOptions options, DecisionParser parser)
    {
        (DecisionBody body, IResult? problem) = await DecisionBody.ReadAsync(context, options).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        bool wait = WantsReceipt(context.Request);
        try
        {
            if (!body.IsBatch)
            {
                return await BufferOneAsync(buffer, parser, body, wait).ConfigureAwait(false);
            }

            var errors = new LineErrorList(options.MaxListedLineErrors);
            var lines = new List<long>();
            List<RedactedDecision> prepared = PrepareLines(buffer, parser, body.Bytes.WrittenSpan, options.MaxBadLines, errors, lines, out BatchStop? stop);
            body.Dispose();
            return await BufferBatchAsync(buffer, prepared, lines, errors, stop, wait).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Nothing acknowledged: the client must retry (with its requestId, so a repeat is de-duplicated).
            context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds;
            return Problems.Unavailable($"buffer: Redis did not acknowledge the decision ({exception.Message}); it was NOT accepted. Retry shortly with the same requestId.");
        }
        finally
        {
            body.Dispose();
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

    /// <summary>
    /// Parses and prepares every line of a batch; every invalid line goes to <paramref name="errors"/>. After
    /// <paramref name="maxBadLines"/> invalid lines the rest is only counted (<paramref name="stop"/>).
    /// </summary>
    private static List<RedactedDecision> PrepareLines(CollectorBuffer buffer, DecisionParser parser, ReadOnlySpan<byte> body, int maxBadLines, LineErrorList errors, List<long> lines, out BatchStop? stop)
    {
        var prepared = new List<RedactedDecision>();
        stop = null;
        long lastLine = 0;
        foreach (NdjsonLines.Line line in new NdjsonLines(body))
        {
            if (errors.Count >= maxBadLines)
            {
                // The rest of the body is counted, not parsed: the lines from this one on.
                long total = body.Count((byte)'\n') + (body.IsEmpty || body[^1] == (byte)'\n' ? 0 : 1);
                stop = new BatchStop(lastLine, BatchStop.TooManyInvalidLines, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{errors.Count} invalid lines (MaxBadLines); the rest of the body was not examined. Fix the lines listed in errors and resend from line {lastLine + 1}."))
                {
                    LinesNotExamined = Math.Max(0, total - lastLine),
                };
                break;
            }

            lastLine = line.Number;
            try
            {
                prepared.Add(buffer.Preparer.Prepare(parser.Parse(line.Text)));
                lines.Add(line.Number);
            }
            catch (DecisionValidationException exception)
            {
                errors.Add(new LineError(line.Number, exception.Path, exception.Problem, exception.Fix));
            }
            catch (RedactionException exception)
            {
                errors.Add(new LineError(line.Number, "$", exception.Message, "fix the redaction policy or the decision"));
            }
        }

        errors.EndChunk();
        return prepared;
    }

    private static async Task<IResult> BufferBatchAsync(CollectorBuffer buffer, List<RedactedDecision> prepared, List<long> lines, LineErrorList errors, BatchStop? stop, bool wait)
    {
        if (prepared.Count == 0)
        {
            return LineError.NoneTaken(errors, stop, "buffered");
        }

        IReadOnlyList<string> ids;
        RecordReceipt?[] receipts = new RecordReceipt?[prepared.Count];
        if (wait)
        {
            var pending = prepared.Select(p => buffer.Buffer.EnqueueAndWaitAsync(p, buffer.ReceiptWait)).ToArray();
            var results = await Task.WhenAll(pending).ConfigureAwait(false);
            ids = [.. results.Select(r => r.BufferId)];
            for (int i = 0; i < results.Length; i++)
            {
                receipts[i] = results[i].Receipt;
            }
        }
        else
        {
            ids = await buffer.Buffer.EnqueueAsync(prepared).ConfigureAwait(false);
        }

        bool allReceipts = wait && receipts.All(r => r is not null);
        Action<Utf8JsonWriter> write = json =>
        {
            json.WriteStartObject();
            json.WriteStartArray(allReceipts ? "receipts" : "accepted");
            for (int i = 0; i < prepared.Count; i++)
            {
                if (allReceipts)
                {
                    DecisionEndpoints.WriteReceipt(json, receipts[i]!, lines[i]);
                }
                else
                {
                    WriteAccepted(json, prepared[i].RequestId, ids[i], lines[i]);
                }
            }

            json.WriteEndArray();
            errors.Write(json);
            stop?.Write(json);
            json.WriteEndObject();
        };
        return allReceipts ? JsonBody.Create(write) : Accepted(write);
    }

    private static void WriteAccepted(Utf8JsonWriter json, string requestId, string bufferId, long? line)
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
