using System.Globalization;
using System.Text.Json;
using DecisionLedger.Access;
using DecisionLedger.Querying;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.OpenApi;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace DecisionLedger.Server.Endpoints;

/// <summary><c>/v1/decisions</c>: record one decision or an NDJSON batch; query; read one by request id.</summary>
internal static class DecisionEndpoints
{
    private const string QueryRoute = "GET /v1/decisions";
    private const string ShowRoute = "GET /v1/decisions/{requestId}";

    private static readonly LedgerQueryOptions s_queryOptions = new()
    {
        WhereParameter = "where",
        CursorParameter = "cursor",
        AllowScanParameter = "allowScan=true",
        IndexedFilterExample = "model=NAME, or from= and to=",
    };

    /// <param name="routes">Where to map.</param>
    /// <param name="mapIngest">False in buffer mode, where <see cref="BufferedDecisionEndpoints"/> takes <c>POST</c>.</param>
    public static void Map(IEndpointRouteBuilder routes, bool mapIngest = true)
    {
        if (mapIngest)
        {
            MapIngest(routes);
        }

        routes.MapGet("/v1/decisions", QueryAsync).RequirePermission(ApiPermission.Read)
            .WithSummary("Query decisions, newest first; each returned entry is written to the access log")
            .WithTags("Reading")
            .WithQueryParameter("model", JsonSchemaType.String, "Model name.")
            .WithQueryParameter("version", JsonSchemaType.String, "Model version.")
            .WithQueryParameter("user", JsonSchemaType.String, "actor.userId.")
            .WithQueryParameter("tenant", JsonSchemaType.String, "actor.tenant.")
            .WithQueryParameter("subject", JsonSchemaType.String, "subject.id.")
            .WithQueryParameter("requestId", JsonSchemaType.String, "One request id.")
            .WithQueryParameter("from", JsonSchemaType.String, "Earliest timestamp (RFC 3339).", format: "date-time")
            .WithQueryParameter("to", JsonSchemaType.String, "Latest timestamp (RFC 3339).", format: "date-time")
            .WithQueryParameter("limit", JsonSchemaType.Integer, "Page size, 1 to MaxQueryLimit (1000); default 20.")
            .WithQueryParameter("where", JsonSchemaType.String, "A condition on a field, e.g. output.score >= 0.9; repeatable (AND). See docs/auditing.md.")
            .WithQueryParameter("cursor", JsonSchemaType.String, "The previous page's nextCursor (opaque).")
            .WithQueryParameter("allowScan", JsonSchemaType.Boolean, "true to run a where condition without an indexed filter on a large ledger.")
            .WithQueryParameter("beforeSeq", JsonSchemaType.Integer, "Keyset position: only entries below this seq (older form of cursor).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        routes.MapGet("/v1/decisions/{requestId}", ShowAsync).RequirePermission(ApiPermission.Read)
            .WithSummary("One decision's canonical entry; the read is written to the access log")
            .WithTags("Reading")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapIngest(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/decisions", PostAsync).RequirePermission(ApiPermission.Ingest)
            .WithSummary("Record one decision (application/json) or a batch (application/x-ndjson)")
            .WithDescription("Answers once the decisions are durable: a receipt {seq, requestId, leafHash}, or {receipts, errors} for a batch (every good line recorded, every bad line reported). With proof=true each receipt waits for the signed checkpoint that covers it (within about CheckpointMinInterval, 250 ms by default) and gains \"checkpoint\" (signed note) and \"proof\" {leafIndex, treeSize, leafHash, hashes}.")
            .WithTags("Recording")
            .WithQueryParameter("proof", JsonSchemaType.Boolean, "true: each receipt carries the covering signed checkpoint and its inclusion proof.")
            .Accepts<JsonElement>("application/json", "application/x-ndjson")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> PostAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options, DecisionParser parser)
    {
        (DecisionBody body, IResult? problem) = await DecisionBody.ReadAsync(context, options).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        // The body goes back to the pool as soon as its lines are parsed (below), or here on any early answer.
        using (body)
        {
            if (ledger.Recorder is not { } recorder)
            {
                return Problems.Unavailable("recorder: not started or shutting down; retry shortly (see /readyz).");
            }

            bool proof;
            try
            {
                proof = QueryValues.Text(context.Request.Query, "proof") is { } value
                    && (bool.TryParse(value, out bool parsed) ? parsed : throw new FormatException($"proof: '{value}' is not true or false."));
            }
            catch (FormatException exception)
            {
                return Problems.BadRequest(exception.Message);
            }

            if (!body.IsBatch)
            {
                Decision decision;
                try
                {
                    decision = parser.Parse(body.Bytes.WrittenSpan);
                }
                catch (DecisionValidationException exception)
                {
                    return Problems.BadRequest(exception.Message, ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
                }

                body.Dispose();
                return await RecordOneAsync(recorder, decision, proof).ConfigureAwait(false);
            }

            var errors = new List<LineError>();
            List<(long Line, Task<RecordReceipt> Receipt)> pending = SubmitLines(recorder, parser, body.Bytes.WrittenSpan, proof, errors);
            body.Dispose();
            return await RecordBatchAsync(context, pending, errors).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> RecordOneAsync(IDecisionRecorder recorder, Decision decision, bool proof)
    {
        RecordReceipt receipt;
        try
        {
            // Once accepted, the decision is recorded even if the client goes away.
            receipt = await recorder.RecordAsync(decision, proof, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DecisionValidationException exception)
        {
            // The recorder's own checks (RecordableDecision) on a parsed decision.
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
    /// Parses every line of a batch and hands each valid one to the recorder; every invalid line
    /// goes to <paramref name="errors"/>. Synchronous over the body's bytes, so the (rented) body can
    /// be released before the receipts are awaited.
    /// </summary>
    private static List<(long Line, Task<RecordReceipt> Receipt)> SubmitLines(IDecisionRecorder recorder, DecisionParser parser, ReadOnlySpan<byte> body, bool proof, List<LineError> errors)
    {
        var pending = new List<(long Line, Task<RecordReceipt> Receipt)>();
        foreach (NdjsonLines.Line line in new NdjsonLines(body))
        {
            Decision decision;
            try
            {
                decision = parser.Parse(line.Text);
            }
            catch (DecisionValidationException exception)
            {
                errors.Add(new LineError(line.Number, exception.Path, exception.Problem, exception.Fix));
                continue;
            }

            // The receipt's own task: no async state machine per line, and completing the group commit
            // wakes only this request's one awaiting continuation, not one per line.
            pending.Add((line.Number, recorder is DecisionRecorder direct
                ? direct.SubmitAsync(decision, proof)
                : recorder.RecordAsync(decision, proof, CancellationToken.None).AsTask()));
        }

        return pending;
    }

    /// <summary>
    /// Records every valid line and reports every invalid one: 200 with receipts and errors when at
    /// least one line was recorded, 400 (problem details with the errors) when none was.
    /// </summary>
    private static async Task<IResult> RecordBatchAsync(HttpContext context, List<(long Line, Task<RecordReceipt> Receipt)> pending, List<LineError> errors)
    {
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
            return LineError.NoneTaken(errors, "recorded");
        }

        // ~130 bytes per receipt without a proof; the buffer grows if proofs make it longer.
        return JsonBody.Create(context, (receipts.Count * 136) + 64, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("receipts");
            foreach ((long line, RecordReceipt receipt) in receipts)
            {
                WriteReceipt(json, receipt, line);
            }

            json.WriteEndArray();
            LineError.WriteArray(json, errors);
            json.WriteEndObject();
        });
    }

    private static async Task<IResult> QueryAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options, AccessLog accessLog)
    {
        IQueryCollection query = context.Request.Query;
        QueryPage page;
        try
        {
            int limit = QueryValues.Int(query, "limit") ?? 20;
            if (limit <= 0 || limit > options.MaxQueryLimit)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"limit: {limit} is out of range; pass 1 to {options.MaxQueryLimit}."));
            }

            string[] where = [.. query["where"].Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w!)];
            var filter = new EntryFilter
            {
                ModelName = QueryValues.Text(query, "model"),
                ModelVersion = QueryValues.Text(query, "version"),
                UserId = QueryValues.Text(query, "user"),
                Tenant = QueryValues.Text(query, "tenant"),
                InputFingerprint = FingerprintQuery.Parse(query),
                SubjectId = QueryValues.Text(query, "subject"),
                RequestId = QueryValues.Text(query, "requestId"),
                From = QueryValues.Time(query, "from"),
                To = QueryValues.Time(query, "to"),
                BeforeSeq = QueryValues.Long(query, "beforeSeq"),
                Where = WhereParser.ParseAll(where, "where"),
                Limit = limit,
            };
            bool allowScan = QueryValues.Text(query, "allowScan") is { } scan
                && (bool.TryParse(scan, out bool parsed) ? parsed : throw new FormatException($"allowScan: '{scan}' is not true or false."));
            page = await new LedgerQuery(ledger.Store, s_queryOptions)
                .RunAsync(filter, QueryValues.Text(query, "cursor"), allowScan, context.RequestAborted).ConfigureAwait(false);
        }
        catch (FormatException exception)
        {
            // QueryException is a FormatException: malformed or unknown where, foreign cursor, refused scan.
            return Problems.BadRequest(exception.Message);
        }

        if (page.Entries.Count > 0)
        {
            await LogAsync(context, accessLog, options, QueryRoute, page.Entries).ConfigureAwait(false);
        }

        return JsonBody.Create(json => ProofJson.WriteQueryPage(json, page.Entries, page.NextCursor));
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
        ProofJson.WriteReceiptProof(json, receipt);
        json.WriteEndObject();
    }

    internal static Dictionary<string, object?> ErrorExtensions(string path, string problem, string fix) =>
        new() { ["path"] = path, ["problem"] = problem, ["fix"] = fix };
}
