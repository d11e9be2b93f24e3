using System.Text.Json;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.OpenApi;
using DecisionLedger.Witnessing.Publishing;
using DecisionLedger.Witnessing.Receipts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace DecisionLedger.Server.Witnessing;

/// <summary>
/// <c>GET /v1/checkpoints/{size}/cosigned</c> (a checkpoint with the cosignatures the ledger holds) and
/// <c>GET /v1/witnesses</c> (each witness's standing), for monitors and auditors.
/// </summary>
internal static class WitnessEndpoints
{
    private const string Tag = "Witnessing";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/checkpoints/{size}/cosigned", CosignedAsync).RequirePermission(ApiPermission.Monitor)
            .WithSummary("The checkpoint of that size as a signed note with the witness cosignatures the ledger holds appended")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/v1/witnesses", (Func<HttpContext, Task<IResult>>)Status).RequirePermission(ApiPermission.Monitor)
            .WithSummary("Each witness of the policy: last cosigned size, failures, split views; whether the newest checkpoint is published")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        routes.MapGet("/v1/proof/witnessed", WitnessedAsync).RequirePermission(ApiPermission.Audit)
            .WithSummary("A receipt's upgrade once a checkpoint covering the entry is published: the cosigned checkpoint, the inclusion proof against it, the consistency proof from the receipt's checkpoint, the time-stamp tokens (the receipt's \"witnessed\" member)")
            .WithTags(Tag)
            .WithQueryParameter("seq", JsonSchemaType.Integer, "The entry's seq (the receipt's seq).", required: true)
            .WithQueryParameter("treeSize", JsonSchemaType.Integer, "The size of the checkpoint the receipt carries, if any: that one is used once published, else a later published one with the consistency proof from it.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>Writes the witnessing status as the JSON object's current property value.</summary>
    public static void WriteStatus(Utf8JsonWriter json, CollectorWitnessing? witnessing)
    {
        if (witnessing is null)
        {
            json.WriteNullValue();
            return;
        }

        WitnessingStatus? status = witnessing.Publisher?.Status;
        if (status is null && witnessing.Stored is { } stored)
        {
            WriteStoredStatus(json, witnessing, stored);
            return;
        }

        json.WriteStartObject();
        json.WriteString("quorum", witnessing.Configuration.Policy.QuorumDescription);
        json.WriteBoolean("publishing", status is not null);
        if (status is not null)
        {
            WriteSize(json, "latestSize", status.LatestSize);
            json.WriteBoolean("latestPublished", status.LatestPublished);
            WriteSize(json, "publishedSize", status.PublishedSize);
        }

        json.WriteStartArray("witnesses");
        foreach (WitnessEndpoint endpoint in witnessing.Configuration.Endpoints)
        {
            WitnessStatus? witness = status?.Witnesses.FirstOrDefault(w => w.Name == endpoint.Witness.Name);
            json.WriteStartObject();
            json.WriteString("name", endpoint.Witness.Name);
            json.WriteString("verifierKey", endpoint.Witness.Verifier.VerifierKey);
            json.WriteString("url", endpoint.SubmissionPrefix.AbsoluteUri);
            if (witness is not null)
            {
                json.WriteNumber("cosignedSize", witness.CosignedSize);
                json.WriteNumber("knownSize", witness.KnownSize);
                json.WriteNumber("failures", witness.Failures);
                json.WriteNumber("consecutiveFailures", witness.ConsecutiveFailures);
                json.WriteNumber("splitViews", witness.SplitViews);
                json.WriteString("lastError", witness.LastError);
                WriteTime(json, "lastErrorAt", witness.LastErrorAt);
                WriteTime(json, "lastCosignedAt", witness.LastCosignedAt);
                WriteTime(json, "nextAttemptAt", witness.NextAttemptAt);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// The status of a collector that does not publish (buffer mode): sizes as the shared store holds
    /// them, and no failure counters, which only the publishing sequencer has.
    /// </summary>
    private static void WriteStoredStatus(Utf8JsonWriter json, CollectorWitnessing witnessing, StoredWitnessing stored)
    {
        json.WriteStartObject();
        json.WriteString("quorum", witnessing.Configuration.Policy.QuorumDescription);
        json.WriteBoolean("publishing", false);
        json.WriteString("source", "store");
        json.WriteString("note", "This collector does not ask the witnesses: the elected sequencer (dledger sequence --witness-policy) does. Sizes are read from the ledger's store; failures, retries and split views are in the sequencer's logs and metrics.");
        WriteTime(json, "readAt", stored.ReadAt);
        WriteSize(json, "latestSize", stored.LatestSize);
        json.WriteBoolean("latestPublished", stored.LatestPublished);
        WriteSize(json, "publishedSize", stored.PublishedSize);
        json.WriteStartArray("witnesses");
        foreach (WitnessEndpoint endpoint in witnessing.Configuration.Endpoints)
        {
            json.WriteStartObject();
            json.WriteString("name", endpoint.Witness.Name);
            json.WriteString("verifierKey", endpoint.Witness.Verifier.VerifierKey);
            json.WriteString("url", endpoint.SubmissionPrefix.AbsoluteUri);
            bool cosigned = stored.Witnesses.TryGetValue(endpoint.Witness.Name, out (long CosignedSize, DateTimeOffset ObtainedAt) held);
            json.WriteNumber("cosignedSize", cosigned ? held.CosignedSize : 0);
            WriteTime(json, "lastCosignedAt", cosigned ? held.ObtainedAt : null);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static async Task<IResult> WitnessedAsync(HttpContext context, CollectorLedger ledger)
    {
        CollectorWitnessing? witnessing = context.RequestServices.GetService<CollectorWitnessing>();
        if (witnessing is null)
        {
            return Problems.NotFound("witnessing is not configured on this collector; start it with --witness-policy FILE.");
        }

        long seq;
        long? treeSize;
        try
        {
            seq = QueryValues.RequiredLong(context.Request.Query, "seq");
            treeSize = QueryValues.Long(context.Request.Query, "treeSize");
        }
        catch (FormatException exception)
        {
            return Problems.BadRequest(exception.Message);
        }

        if (seq < 0 || treeSize < 0)
        {
            return Problems.BadRequest($"{(seq < 0 ? "seq" : "treeSize")}: must not be negative; pass the receipt's seq (and the size of the checkpoint it carries).");
        }

        WitnessedProof? witnessed = await WitnessedProofs.FindAsync(ledger.Store, ledger.Prover, witnessing.Configuration.Policy, seq, treeSize, context.RequestAborted).ConfigureAwait(false);
        if (witnessed is null)
        {
            // Not yet: the witnesses have not cosigned a checkpoint covering the entry. Ask again later.
            context.Response.Headers.RetryAfter = "5";
            return Problems.NotFound(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"seq: no checkpoint covering seq {seq}{(treeSize is { } size ? $" (and no older than the receipt's, size {size})" : string.Empty)} has {witnessing.Configuration.Policy.QuorumDescription} cosignatures yet; retry once the witnesses have cosigned (GET /v1/witnesses shows their standing)."));
        }

        return JsonBody.Create(json => WitnessedProofJson.Write(json, witnessed));
    }

    private static async Task<IResult> CosignedAsync(HttpContext context, CollectorLedger ledger, string size)
    {
        CollectorWitnessing? witnessing = context.RequestServices.GetService<CollectorWitnessing>();
        if (witnessing is null)
        {
            return Problems.NotFound("witnessing is not configured on this collector; start it with --witness-policy FILE.");
        }

        if (!long.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long treeSize))
        {
            return Problems.BadRequest($"size: '{size}' is not a tree size; pass a non-negative decimal, e.g. /v1/checkpoints/600/cosigned.");
        }

        CosignedNote? note = await CosignedCheckpoints.ForSizeAsync(ledger.Store, witnessing.Configuration.Policy, treeSize, context.RequestAborted).ConfigureAwait(false);
        if (note is null)
        {
            return Problems.NotFound($"size: the ledger signed no checkpoint of size {treeSize}.");
        }

        WriteHeaders(context, note);
        return Results.Text(note.Note, "text/plain; charset=utf-8");
    }

    /// <summary>Says how many cosignatures the note carries and whether they meet the quorum, beside the note itself.</summary>
    public static void WriteHeaders(HttpContext context, CosignedNote note)
    {
        context.Response.Headers["DecisionLedger-Cosignatures"] = note.Cosigners.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["DecisionLedger-Published"] = note.Published ? "true" : "false";
    }

    private static async Task<IResult> Status(HttpContext context)
    {
        CollectorWitnessing? witnessing = context.RequestServices.GetService<CollectorWitnessing>();
        if (witnessing is not null && witnessing.Publisher is null)
        {
            // Buffer mode: read what the store says now, not the last poll's reading.
            await witnessing.RefreshStoredAsync(context.RequestAborted).ConfigureAwait(false);
        }

        return JsonBody.Create(json => WriteStatus(json, witnessing));
    }

    private static void WriteSize(Utf8JsonWriter json, string name, long? size)
    {
        if (size is { } value)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteString(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
