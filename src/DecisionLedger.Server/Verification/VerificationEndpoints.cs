using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Verification;

/// <summary><c>GET /v1/verification</c>: the newest checkpoint with its signature checked, and the last background verification run.</summary>
internal static class VerificationEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/verification", GetAsync).RequirePermission(ApiPermission.Audit);

    private static async Task<IResult> GetAsync(HttpContext context, CollectorLedger ledger, VerificationMonitor monitor, CollectorOptions options)
    {
        StoredCheckpoint? latest = await ledger.Store.GetLatestCheckpointAsync(context.RequestAborted).ConfigureAwait(false);
        long size = await ledger.Store.GetSizeAsync(context.RequestAborted).ConfigureAwait(false);
        (bool Valid, string? Problem)? signature = latest is null ? null : CheckSignature(latest, ledger);
        VerificationRun? run = monitor.Last;
        bool running = monitor.Running;
        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteString("origin", ledger.Directory.Config.Origin);
            json.WriteString("verifierKey", ledger.Directory.VerifierKey);
            json.WriteNumber("ledgerSize", size);
            if (latest is null)
            {
                json.WriteNull("checkpoint");
            }
            else
            {
                json.WriteStartObject("checkpoint");
                json.WriteNumber("treeSize", latest.TreeSize);
                json.WriteString("rootHash", latest.RootHash.ToBase64());
                json.WriteString("createdAt", latest.CreatedAt);
                json.WriteString("note", latest.SignedNote);
                json.WriteBoolean("signatureValid", signature!.Value.Valid);
                if (signature.Value.Problem is { } problem)
                {
                    json.WriteString("signatureProblem", problem);
                }

                json.WriteEndObject();
            }

            json.WriteBoolean("running", running);
            json.WriteNumber("intervalSeconds", Math.Max(0, options.VerificationInterval.TotalSeconds));
            WriteRun(json, run);
            json.WritePropertyName("witnessing");
            Witnessing.WitnessEndpoints.WriteStatus(json, context.RequestServices.GetService(typeof(Witnessing.CollectorWitnessing)) as Witnessing.CollectorWitnessing);
            json.WriteEndObject();
        });
    }

    private static (bool Valid, string? Problem) CheckSignature(StoredCheckpoint latest, CollectorLedger ledger)
    {
        try
        {
            Checkpoint checkpoint = CheckpointNote.Open(latest.SignedNote, ledger.Directory.Signer.Verifier, ledger.Directory.Config.Origin);
            return checkpoint.Size == latest.TreeSize && checkpoint.RootHash == latest.RootHash
                ? (true, null)
                : (false, $"The signed note says size {checkpoint.Size} and root {checkpoint.RootHash.ToBase64()}, but the store's columns say {latest.TreeSize} and {latest.RootHash.ToBase64()}.");
        }
        catch (NoteVerificationException exception)
        {
            return (false, exception.Message);
        }
    }

    private static void WriteRun(Utf8JsonWriter json, VerificationRun? run)
    {
        if (run is null)
        {
            json.WriteNull("lastRun");
            return;
        }

        json.WriteStartObject("lastRun");
        json.WriteString("startedAt", run.StartedAt);
        json.WriteString("finishedAt", run.FinishedAt);
        json.WriteString("mode", run.FromTreeSize == 0 ? "full" : "incremental");
        json.WriteNumber("fromTreeSize", run.FromTreeSize);
        if (run.Report is { } report)
        {
            json.WriteBoolean("passed", report.Passed);
            json.WriteNumber("entriesVerified", report.EntriesVerified);
            json.WriteNumber("checkpointsVerified", report.CheckpointsVerified);
            json.WriteNumber("inputsVerified", report.InputsVerified);
            json.WriteNumber("inputsNotChecked", report.InputsNotChecked);
            json.WriteNumber("treeSize", report.TreeSize);
            if (report.Root is { } root)
            {
                json.WriteString("rootHash", root.ToBase64());
            }

            json.WriteNumber("elapsedMs", report.Elapsed.TotalMilliseconds);
            WriteFinding(json, report.FirstFinding);
        }
        else
        {
            json.WriteBoolean("passed", false);
            json.WriteString("error", run.Error);
        }

        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, TamperFinding? finding)
    {
        if (finding is null)
        {
            json.WriteNull("finding");
            return;
        }

        json.WriteStartObject("finding");
        json.WriteNumber("seq", finding.Seq);
        json.WriteString("kind", finding.Kind.ToString());
        json.WriteString("detail", finding.Detail);
        json.WriteEndObject();
    }
}
