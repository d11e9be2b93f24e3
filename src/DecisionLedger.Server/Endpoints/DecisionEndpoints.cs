using System.Globalization;
using System.Text.Json;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Access;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace DecisionLedger.Server.Endpoints;

/// <summary><c>/v1/decisions</c>: record one decision or an NDJSON batch; query; read one by request id.</summary>
internal static class DecisionEndpoints
{
    private const string QueryRoute = "GET /v1/decisions";
    private const string ShowRoute = "GET /v1/decisions/{requestId}";

    /// <param name="routes">Where to map.</param>
    /// <param name="mapIngest">False in buffer mode, where <see cref="BufferedDecisionEndpoints"/> takes <c>POST</c>.</param>
    public static void Map(IEndpointRouteBuilder routes, bool mapIngest = true)
    {
        if (mapIngest)
        {
            routes.MapPost("/v1/decisions", PostAsync).RequirePermission(ApiPermission.Ingest);
        }

        routes.MapGet("/v1/decisions", QueryAsync).RequirePermission(ApiPermission.Read);
        routes.MapGet("/v1/decisions/{requestId}", ShowAsync).RequirePermission(ApiPermission.Read);
    }

    private static async Task<IResult> PostAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options, DecisionParser parser)
    {
        string? contentType = context.Request.ContentType;
        string? mediaType = MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed) ? parsed.MediaType.Value : null;
        bool batch;
        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            batch = false;
        }
        else if (string.Equals(mediaType, "application/x-ndjson", StringComparison.OrdinalIgnoreCase))
        {
            batch = true;
        }
        else
        {
            return Problems.UnsupportedMediaType(contentType);
        }

        long limit = batch ? options.MaxBatchBytes : options.MaxDecisionBytes;
        byte[]? body = await BodyReader.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            CollectorLog.TooLarge(ApiKeyEndpointFilter.Logger(context), limit, ApiKeyEndpointFilter.Caller(context).KeyId);
            return Problems.TooLarge(limit);
        }

        if (ledger.Recorder is not { } recorder)
        {
            return Problems.Unavailable("recorder: not started or shutting down; retry shortly (see /readyz).");
        }

        return batch ? await RecordBatchAsync(context, recorder, parser, body).ConfigureAwait(false) : await RecordOneAsync(recorder, parser, body).ConfigureAwait(false);
    }

    private static async Task<IResult> RecordOneAsync(IDecisionRecorder recorder, DecisionParser parser, byte[] body)
    {
        RecordReceipt receipt;
        try
        {
            // Once accepted, the decision is recorded even if the client goes away.
            receipt = await recorder.RecordAsync(parser.Parse(body), CancellationToken.None).ConfigureAwait(false);
        }
        catch (DecisionValidationException exception)
        {
            return Problems.BadRequest(exception.Message, ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
        }
        catch (RedactionException exception)
        {
            return Problems.BadRequest(exception.Message);
        }
        catch (DuplicateRequestIdException exception)
        {
            return Problems.Conflict(exception.Message, ErrorExtensions("requestId", "already recorded", "send a new requestId, or none to get a UUIDv7"));
        }
        catch (LedgerQueueFullException exception)
        {
            return Problems.Unavailable(exception.Message);
        }

        return JsonBody.Create(json => WriteReceipt(json, receipt, line: null));
    }

    /// <summary>
    /// Records every valid line and reports every invalid one: 200 with receipts and errors when at
    /// least one line was recorded, 400 (problem details with the errors) when none was.
    /// </summary>
    private static async Task<IResult> RecordBatchAsync(HttpContext context, IDecisionRecorder recorder, DecisionParser parser, byte[] body)
    {
        var errors = new List<LineError>();
        var pending = new List<(long Line, Task<RecordReceipt> Receipt)>();
        long lineNumber = 0;
        int start = 0;
        while (start <= body.Length)
        {
            int end = Array.IndexOf(body, (byte)'\n', start);
            if (end < 0)
            {
                end = body.Length;
            }

            lineNumber++;
            ReadOnlySpan<byte> line = body.AsSpan(start, end - start).TrimEnd((byte)'\r');
            start = end + 1;
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            Decision decision;
            try
            {
                decision = parser.Parse(line);
            }
            catch (DecisionValidationException exception)
            {
                errors.Add(new LineError(lineNumber, exception.Path, exception.Problem, exception.Fix));
                continue;
            }

            pending.Add((lineNumber, recorder.RecordAsync(decision, CancellationToken.None).AsTask()));
        }

        var receipts = new List<(long Line, RecordReceipt Receipt)>(pending.Count);
        foreach ((long line, Task<RecordReceipt> task) in pending)
        {
            try
            {
                receipts.Add((line, await task.ConfigureAwait(false)));
            }
            catch (DuplicateRequestIdException exception)
            {
                errors.Add(new LineError(line, "requestId", $"'{exception.RequestId}' is already recorded", "send a new requestId, or none to get a UUIDv7"));
            }
            catch (RedactionException exception)
            {
                errors.Add(new LineError(line, "$", exception.Message, "fix the redaction policy or the decision"));
            }
            catch (LedgerQueueFullException exception)
            {
                errors.Add(new LineError(line, "$", exception.Message, "resend this line later"));
            }
        }

        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (errors.Count > 0)
        {
            CollectorLog.BatchErrors(ApiKeyEndpointFilter.Logger(context), ApiKeyEndpointFilter.Caller(context).KeyId, receipts.Count, errors.Count, errors[0].Line, errors[0].Path, errors[0].Problem);
        }

        if (receipts.Count == 0)
        {
            string detail = errors.Count == 0
                ? "body: no decisions; send one JSON decision per line."
                : string.Create(CultureInfo.InvariantCulture, $"line {errors[0].Line}: {errors[0].Path}: {errors[0].Problem}; {errors[0].Fix} (no line of the batch was recorded; {errors.Count} error(s))");
            return Problems.BadRequest(detail, new Dictionary<string, object?> { ["errors"] = errors.Select(e => e.ToDictionary()).ToList() });
        }

        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("receipts");
            foreach ((long line, RecordReceipt receipt) in receipts)
            {
                WriteReceipt(json, receipt, line);
            }

            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (LineError error in errors)
            {
                json.WriteStartObject();
                json.WriteNumber("line", error.Line);
                json.WriteString("path", error.Path);
                json.WriteString("problem", error.Problem);
                json.WriteString("fix", error.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static async Task<IResult> QueryAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options, AccessLog accessLog)
    {
        IQueryCollection query = context.Request.Query;
        EntryFilter filter;
        int limit;
        try
        {
            limit = QueryValues.Int(query, "limit") ?? 20;
            if (limit <= 0 || limit > options.MaxQueryLimit)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"limit: {limit} is out of range; pass 1 to {options.MaxQueryLimit}."));
            }

            filter = new EntryFilter
            {
                ModelName = QueryValues.Text(query, "model"),
                ModelVersion = QueryValues.Text(query, "version"),
                UserId = QueryValues.Text(query, "user"),
                Tenant = QueryValues.Text(query, "tenant"),
                SubjectId = QueryValues.Text(query, "subject"),
                RequestId = QueryValues.Text(query, "requestId"),
                From = QueryValues.Time(query, "from"),
                To = QueryValues.Time(query, "to"),
                BeforeSeq = QueryValues.Long(query, "beforeSeq"),

                // One extra row tells whether another page exists.
                Limit = limit + 1,
            };
        }
        catch (FormatException exception)
        {
            return Problems.BadRequest(exception.Message);
        }

        var entries = new List<StoredEntry>(Math.Min(limit + 1, 1024));
        await foreach (StoredEntry entry in ledger.Store.QueryAsync(filter, context.RequestAborted).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        long? nextCursor = null;
        if (entries.Count > limit)
        {
            entries.RemoveAt(entries.Count - 1);
            nextCursor = entries[^1].Seq;
        }

        if (entries.Count > 0)
        {
            await LogAsync(context, accessLog, options, QueryRoute, entries).ConfigureAwait(false);
        }

        return JsonBody.Create(json => ProofJson.WriteQueryPage(json, entries, nextCursor));
    }

    private static async Task<IResult> ShowAsync(string requestId, HttpContext context, CollectorLedger ledger, CollectorOptions options, AccessLog accessLog)
    {
        StoredEntry? entry = await ledger.Store.FindByRequestIdAsync(requestId, context.RequestAborted).ConfigureAwait(false);
        if (entry is null)
        {
            return Problems.NotFound($"requestId: no decision '{requestId}' in this ledger; check the id, or query by model, user or time.");
        }

        await LogAsync(context, accessLog, options, ShowRoute, [entry]).ConfigureAwait(false);
        return Results.Bytes(entry.CanonicalBytes, "application/json");
    }

    private static Task LogAsync(HttpContext context, AccessLog accessLog, CollectorOptions options, string route, IReadOnlyList<StoredEntry> entries)
    {
        ApiCaller caller = ApiKeyEndpointFilter.Caller(context);
        var record = new AccessRecord(
            options.TimeProvider.GetUtcNow(),
            caller.KeyId,
            caller.KeyName,
            ApiKeyRoles.Name(caller.Role),
            route,
            entries.Select(e => e.Columns.RequestId).ToList(),
            entries.Select(e => e.Seq).ToList());
        return accessLog.AppendAsync(record, CancellationToken.None);
    }

    internal static void WriteReceipt(Utf8JsonWriter json, RecordReceipt receipt, long? line)
    {
        json.WriteStartObject();
        if (line is { } number)
        {
            json.WriteNumber("line", number);
        }

        json.WriteNumber("seq", receipt.Seq);
        json.WriteString("requestId", receipt.RequestId);
        json.WriteString("leafHash", receipt.LeafHashBase64);
        json.WriteEndObject();
    }

    internal static Dictionary<string, object?> ErrorExtensions(string path, string problem, string fix) =>
        new() { ["path"] = path, ["problem"] = problem, ["fix"] = fix };
}
