using System.Text.Json;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

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
        routes.MapGet("/v1/witnesses", Status).RequirePermission(ApiPermission.Monitor)
            .WithSummary("Each witness of the policy: last cosigned size, failures, split views; whether the newest checkpoint is published")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
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

    private static IResult Status(HttpContext context) =>
        JsonBody.Create(json => WriteStatus(json, context.RequestServices.GetService<CollectorWitnessing>()));

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
