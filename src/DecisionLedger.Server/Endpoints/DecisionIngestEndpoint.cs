using System.Text.Json;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
                    return Problems.BadRequest(exception.Message, DecisionEndpoints.ErrorExtensions(exception.Path, exception.Problem, exception.Fix));
                }

                body.Dispose();
                return await RecordOneAsync(recorder, decision, proof).ConfigureAwait(false);
            }

            var errors = new List<LineError>();
            List<(long Line, Task<RecordReceipt> Receipt)> pending = NdjsonBatchIngest.SubmitLines(recorder, parser, body.Bytes.WrittenSpan, proof, errors);
            body.Dispose();
            return await NdjsonBatchIngest.RecordBatchAsync(context, pending, errors).ConfigureAwait(false);
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
            return Problems.Unavailable(exception.Message);
        }

        return JsonBody.Create(json => DecisionEndpoints.WriteReceipt(json, receipt, line: null));
    }
}
