using System.Text.Json;
using DecisionLedger.Access;
using DecisionLedger.Merkle;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Endpoints;

/// <summary>The auditor's routes: the newest checkpoint, proofs in the CLI's JSON shapes, the access log; and health.</summary>
internal static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/checkpoint", CheckpointAsync).RequirePermission(ApiPermission.Audit);
        routes.MapGet("/v1/proof/inclusion", InclusionAsync).RequirePermission(ApiPermission.Audit);
        routes.MapGet("/v1/proof/consistency", ConsistencyAsync).RequirePermission(ApiPermission.Audit);
        routes.MapGet("/v1/access-log", AccessLogAsync).RequirePermission(ApiPermission.Audit);
        routes.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        routes.MapGet("/readyz", (CollectorLedger ledger) => ledger.Recorder is null
            ? Problems.Unavailable("recorder: not started or shutting down.")
            : Results.Text("ready\n", "text/plain")).RequirePermission(ApiPermission.Status);
    }

    private static async Task<IResult> CheckpointAsync(HttpContext context, CollectorLedger ledger)
    {
        StoredCheckpoint? checkpoint = await ledger.Store.GetLatestCheckpointAsync(context.RequestAborted).ConfigureAwait(false);
        return checkpoint is null
            ? Problems.NotFound("checkpoint: none signed yet; record a decision and retry after the checkpoint interval.")
            : Results.Text(checkpoint.SignedNote, "text/plain; charset=utf-8");
    }

    private static async Task<IResult> InclusionAsync(HttpContext context, CollectorLedger ledger)
    {
        InclusionProof proof;
        try
        {
            long seq = QueryValues.RequiredLong(context.Request.Query, "seq");
            long? treeSize = QueryValues.Long(context.Request.Query, "treeSize");
            proof = await ledger.Prover.ProveInclusionAsync(seq, treeSize, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return Problems.BadRequest(exception.Message);
        }

        return JsonBody.Create(json => ProofJson.WriteInclusion(json, proof));
    }

    private static async Task<IResult> ConsistencyAsync(HttpContext context, CollectorLedger ledger)
    {
        ConsistencyProof proof;
        try
        {
            long from = QueryValues.RequiredLong(context.Request.Query, "from");
            long to = QueryValues.RequiredLong(context.Request.Query, "to");
            if (from <= 0 || from > to)
            {
                throw new FormatException($"from: {from} must satisfy 0 < from <= to ({to}); pass two tree sizes of checkpoints, older first.");
            }

            proof = await ledger.Prover.ProveConsistencyAsync(from, to, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return Problems.BadRequest(exception.Message);
        }

        return JsonBody.Create(json => ProofJson.WriteConsistency(json, proof));
    }

    private static async Task<IResult> AccessLogAsync(HttpContext context, AccessLog accessLog)
    {
        string? requestId = QueryValues.Text(context.Request.Query, "requestId");
        var records = new List<AccessRecord>();
        await foreach (AccessRecord record in accessLog.ReadAsync(requestId, context.RequestAborted).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("entries");
            foreach (AccessRecord record in records)
            {
                JsonSerializer.Serialize(json, record, AccessLog.JsonTypeInfo);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
