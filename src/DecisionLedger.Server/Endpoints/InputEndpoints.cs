using System.Text;
using DecisionLedger.Encryption;
using DecisionLedger.Access;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// <c>GET /v1/decisions/{requestId}/input</c>: the decision's input as stored beside the ledger (after
/// redaction), with the salt of its commitment so a client can check it against the entry's <c>inputDigest</c>.
/// </summary>
internal static class InputEndpoints
{
    private const string Route = "GET /v1/decisions/{requestId}/input";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/decisions/{requestId}/input", GetAsync).RequirePermission(ApiPermission.Read);

    private static async Task<IResult> GetAsync(string requestId, HttpContext context, CollectorLedger ledger, CollectorOptions options, AccessLog accessLog)
    {
        StoredEntry? entry = await ledger.Store.FindByRequestIdAsync(requestId, context.RequestAborted).ConfigureAwait(false);
        if (entry is null)
        {
            return Problems.NotFound($"requestId: no decision '{requestId}' in this ledger; check the id, or query by model, user or time.");
        }

        StoredInput? input = await ledger.Store.GetInputAsync(entry.Seq, context.RequestAborted).ConfigureAwait(false);
        ApiCaller caller = ApiKeyEndpointFilter.Caller(context);
        await accessLog.AppendAsync(
            new AccessRecord(options.TimeProvider.GetUtcNow(), caller.KeyId, caller.KeyName, ApiKeyRoles.Name(caller.Role), Route, [requestId], [entry.Seq]),
            CancellationToken.None).ConfigureAwait(false);

        // "erased": the subject's inputs were deleted; "encrypted": stored under a subject key the collector does not hold.
        string state = input is null ? "erased" : InputEncryption.IsEncrypted(input.Input) ? "encrypted" : "stored";
        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("seq", entry.Seq);
            json.WriteString("requestId", requestId);
            json.WriteString("state", state);
            if (state == "stored")
            {
                json.WriteString("salt", Convert.ToBase64String(input!.Salt));

                // As text, so a client hashes exactly the stored bytes rather than a re-serialization.
                json.WriteString("input", Encoding.UTF8.GetString(input.Input));
            }

            json.WriteEndObject();
        });
    }
}
