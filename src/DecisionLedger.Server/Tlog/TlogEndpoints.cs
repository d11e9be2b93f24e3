using System.Security.Cryptography;
using DecisionLedger.Access;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.Witnessing;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace DecisionLedger.Server.Tlog;

/// <summary>
/// The C2SP <c>tlog-tiles</c> read API under <c>/tlog/</c>: the newest signed checkpoint, hash tiles and entry
/// bundles, so a monitor, witness or static mirror can follow the ledger with any tlog client.
/// </summary>
internal static class TlogEndpoints
{
    /// <summary>The URL prefix of the layout.</summary>
    public const string Prefix = "/tlog";

    /// <summary>The caching of a full tile: its bytes never change, so any cache may keep it for a year.</summary>
    public const string ImmutablePublic = "public, max-age=31536000, immutable";

    /// <summary>
    /// The caching of a full entry bundle: immutable too, but it carries decisions and is read with an auditor key,
    /// so only the caller's own cache may keep it, never a shared one.
    /// </summary>
    public const string ImmutablePrivate = "private, max-age=31536000, immutable";

    /// <summary>The caching of the checkpoint and of partial tiles: revalidate on every use (the ETag makes that cheap).</summary>
    public const string Revalidate = "no-cache";

    private const string Tag = "Transparency log (tlog-tiles)";

    // The access log's name for a bundle read.
    private const string BundleRoute = "GET " + Prefix + "/tile/entries/{index}";

    public static void Map(IEndpointRouteBuilder routes, CollectorOptions options)
    {
        RouteHandlerBuilder checkpoint = routes.MapGet(Prefix + "/checkpoint", CheckpointAsync)
            .WithSummary("The newest signed checkpoint (C2SP tlog-checkpoint); with witnessing on, the newest one the witness quorum cosigned, cosignature lines appended")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);
        RouteHandlerBuilder hashTile = routes.MapGet(Prefix + "/tile/{level}/{**index}", HashTileAsync)
            .WithSummary("A hash tile tile/<L>/<N>[.p/<W>] of the newest checkpoint's tree (C2SP tlog-tiles)")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet(Prefix + "/tile/entries/{**index}", EntryBundleAsync).RequirePermission(ApiPermission.Audit)
            .WithSummary("An entry bundle tile/entries/<N>[.p/<W>]: each entry's canonical bytes after a big-endian uint16 length")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        if (!options.PublicTlogTiles)
        {
            checkpoint.RequirePermission(ApiPermission.Monitor);
            hashTile.RequirePermission(ApiPermission.Monitor);
        }
    }

    private static async Task<IResult> CheckpointAsync(HttpContext context, CollectorLedger ledger)
    {
        context.Response.Headers.CacheControl = Revalidate;
        if (context.RequestServices.GetService<CollectorWitnessing>() is { } witnessing)
        {
            // Witnessing on: the newest checkpoint the quorum cosigned, with the cosignature lines
            // appended (signed-note lets verifiers skip keys they do not know).
            CosignedNote? published = witnessing.Publisher?.LatestPublished
                ?? await CosignedCheckpoints.LatestPublishedAsync(ledger.Store, witnessing.Configuration.Policy, context.RequestAborted).ConfigureAwait(false);
            if (published is not null)
            {
                WitnessEndpoints.WriteHeaders(context, published);
                return Results.Text(published.Note, "text/plain; charset=utf-8");
            }

            // None published yet (witnesses down, or the first checkpoint still being cosigned): the
            // plain signed checkpoint, marked so; a client holding a witness policy will refuse it.
            context.Response.Headers["DecisionLedger-Published"] = "false";
        }

        StoredCheckpoint? checkpoint = await ledger.Store.GetLatestCheckpointAsync(context.RequestAborted).ConfigureAwait(false);
        return checkpoint is null
            ? Problems.NotFound("checkpoint: none signed yet; record a decision and retry after the checkpoint interval.")
            : Results.Text(checkpoint.SignedNote, "text/plain; charset=utf-8");
    }

    private static Task<IResult> HashTileAsync(HttpContext context, CollectorLedger ledger, string level, string index) =>
        TileAsync(context, ledger, level, index);

    private static Task<IResult> EntryBundleAsync(HttpContext context, CollectorLedger ledger, string index) =>
        TileAsync(context, ledger, "entries", index);

    private static async Task<IResult> TileAsync(HttpContext context, CollectorLedger ledger, string level, string index)
    {
        TlogTile tile;
        List<StoredEntry>? entries = level == "entries" ? [] : null;
        try
        {
            tile = TlogTile.Parse(level, index);
        }
        catch (FormatException exception)
        {
            return Problems.BadRequest($"{Prefix}/tile/{level}/{index}: {exception.Message}");
        }

        StoredCheckpoint? checkpoint = await ledger.Store.GetLatestCheckpointAsync(context.RequestAborted).ConfigureAwait(false);
        byte[]? bytes;
        try
        {
            bytes = checkpoint is null ? null : await TlogTileReader.ReadAsync(ledger.Store, tile, checkpoint.TreeSize, entries, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TlogEntryTooLargeException exception)
        {
            return Results.Problem(exception.Message, statusCode: StatusCodes.Status501NotImplemented, title: "Entry too large for an entry bundle.");
        }

        if (bytes is null)
        {
            return Problems.NotFound($"{tile.Path}: beyond the tree of the newest checkpoint (size {checkpoint?.TreeSize ?? 0}); fetch {Prefix}/checkpoint and ask only for the tiles its size needs.");
        }

        if (entries is not null)
        {
            // An entry bundle hands out decisions: it is a read like GET /v1/decisions, so it is logged like one.
            await LogBundleReadAsync(context, entries).ConfigureAwait(false);
        }

        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes)) + "\"");
        context.Response.Headers.CacheControl = !tile.IsFull ? Revalidate : tile.IsEntries ? ImmutablePrivate : ImmutablePublic;
        context.Response.Headers.ETag = etag.ToString();
        return IsNotModified(context.Request, etag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(bytes, "application/octet-stream");
    }

    private static Task LogBundleReadAsync(HttpContext context, List<StoredEntry> entries)
    {
        ApiCaller caller = ApiKeyEndpointFilter.Caller(context);
        var record = new AccessRecord(
            context.RequestServices.GetRequiredService<CollectorOptions>().TimeProvider.GetUtcNow(),
            caller.KeyId,
            caller.KeyName,
            ApiKeyRoles.Name(caller.Role),
            BundleRoute,
            entries.Select(e => e.Columns.RequestId).ToList(),
            entries.Select(e => e.Seq).ToList());
        return context.RequestServices.GetRequiredService<AccessLog>().AppendAsync(record, CancellationToken.None);
    }

    private static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out IList<EntityTagHeaderValue>? tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
}
