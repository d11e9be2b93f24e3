using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.Metrics;
using DecisionLedger.Server.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// <c>POST /v1/decisions</c> straight into the recorder: one decision (<c>application/json</c>)
/// answered with its receipt, or an NDJSON batch handed to <see cref="NdjsonBatchIngest"/>.
/// </summary>
internal static class DecisionIngestEndpoint
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/decisions", PostAsync).RequirePermission(ApiPermission.Ingest).RequireRateLimiting(IngestAdmission.Policy)
            .WithSummary("Record one decision (application/json) or a batch (application/x-ndjson)")
            .WithDescription("Answers once the decisions are durable: a receipt {seq, requestId, leafHash}, or {receipts, errors, errorCount, stopped?} for a batch (every good line recorded, every bad line reported: the first MaxListedLineErrors listed, all counted; after MaxBadLines invalid lines, or when the recorder's queue stays full, the rest is not examined and stopped says why). 503 with Retry-After when the decision could not enter the recorder's queue within EnqueueTimeout, or too many ingest requests are in flight. With proof=true each receipt waits for the signed checkpoint that covers it (within about CheckpointMinInterval, 250 ms by default) and gains \"checkpoint\" (signed note) and \"proof\" {leafIndex, treeSize, leafHash, hashes}.")
            .WithTags("Recording")
            .WithQueryParameter("proof", JsonSchemaType.Boolean, "true: each receipt carries the covering signed checkpoint and its inclusion proof.")
            // Documented, not matched: Accepts() would let routing answer a wrong Content-Type with a bare 415.
            .AddOpenApiOperationTransformer(DescribeBodyAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = Problems.DecisionMediaTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } }),
        };
        return Task.CompletedTask;
    }

    private static async Task<IResult> PostAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options, DecisionParser parser, IngestMetrics metrics)
    {
        if (DecisionBody.IsBatchMediaType(context.Request) is not { } batch)
        {
            return Problems.UnsupportedMediaType(context.Request.ContentType);
        }

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

        if (batch)
        {
            // Streamed: a batch never holds its whole body, its parsed decisions or its whole answer.
            using var target = new RecorderBatchTarget(context, recorder, parser, options, proof);
            return await NdjsonBatchIngest.RunAsync(context, target, options, metrics).ConfigureAwait(false);
        }

        (DecisionBody body, IResult? problem) = await DecisionBody.ReadAsync(context, options).ConfigureAwait(false);
        if (problem is not null)
        {
            metrics.Reject(IngestMetrics.TooLarge);
            return problem;
        }

        Decision decision;
        using (body)
        {
            try
            {
                decision = parser.Parse(body.Bytes.WrittenSpan);
            }
            catch (DecisionValidationException exception)
            {
                metrics.Reject(IngestMetrics.BadInput);
                return Problems.BadRequest(exception.Message, DecisionEndpoints.ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
            }
        }

        return await RecordOneAsync(context, recorder, decision, proof, metrics).ConfigureAwait(false);
    }

    private static async Task<IResult> RecordOneAsync(HttpContext context, IDecisionRecorder recorder, Decision decision, bool proof, IngestMetrics metrics)
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
            metrics.Reject(IngestMetrics.BadInput);
            return Problems.BadRequest(exception.Message, DecisionEndpoints.ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
        }
        catch (RedactionException exception)
        {
            return Problems.BadRequest(exception.Message);
        }
        catch (DuplicateRequestIdException exception)
        {
            return Problems.Conflict(exception.Message, DecisionEndpoints.ErrorExtensions("requestId", "already recorded", "send a new requestId, or none to get a UUIDv7"));
        }
        catch (LedgerQueueFullException exception)
        {
            // Shed, not failed: nothing was queued, and the client is told when to come back.
            return Problems.Overloaded(context, exception.Message);
        }

        return JsonBody.Create(json => DecisionEndpoints.WriteReceipt(json, receipt, line: null));
    }
}
