using System.Globalization;
using System.Text.Json;
using DecisionLedger.Access;
using DecisionLedger.Querying;
using DecisionLedger.Recording;
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
            DecisionIngestEndpoint.Map(routes);
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
