using System.Text;
using DecisionLedger.Access;
using DecisionLedger.Checkpoints;
using DecisionLedger.Reporting;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The auditor's reports, <c>GET /v1/reports/{usage|version-timeline|data-access|access-log}</c>
/// (permission Audit), each against the newest signed checkpoint, as <c>format=json</c> (default),
/// <c>csv</c> or <c>html</c>; the JSON shapes are those of <see cref="ReportJsonWriter"/>.
/// </summary>
internal static class ReportEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder reports = routes.MapGroup("/v1/reports");
        reports.MapGet("/usage", UsageAsync).RequirePermission(ApiPermission.Audit);
        reports.MapGet("/version-timeline", VersionTimelineAsync).RequirePermission(ApiPermission.Audit);
        reports.MapGet("/data-access", DataAccessAsync).RequirePermission(ApiPermission.Audit);
        reports.MapGet("/access-log", AccessLogAsync).RequirePermission(ApiPermission.Audit);
    }

    private static Task<IResult> UsageAsync(HttpContext context, CollectorLedger ledger) =>
        RunAsync(context, ledger, async (query, format, checkpoint, cancellationToken) =>
        {
            string model = QueryValues.Text(query, "model") ?? throw new FormatException("model: required; pass ?model=NAME, the exact model name.");
            string? bucketText = QueryValues.Text(query, "bucket");
            TimeBucket bucket = bucketText switch
            {
                null or "day" => TimeBucket.Day,
                "hour" => TimeBucket.Hour,
                _ => throw new FormatException($"bucket: '{bucketText}' is not one of day, hour."),
            };
            OutcomeField outcome = OutcomeField.Parse(QueryValues.Text(query, "outcome") ?? OutcomeField.DefaultPath);
            var filters = new UsageFilters(model, QueryValues.Text(query, "version"), QueryValues.Time(query, "from"), QueryValues.Time(query, "to"));
            UsageReport report = await new UsageReportBuilder(filters, bucket, outcome).CreateAsync(ledger.Store, checkpoint, null, cancellationToken).ConfigureAwait(false);
            return writer => ReportWriter.WriteAsync(report, format, writer, cancellationToken);
        });

    private static Task<IResult> VersionTimelineAsync(HttpContext context, CollectorLedger ledger) =>
        RunAsync(context, ledger, async (query, format, checkpoint, cancellationToken) =>
        {
            string model = QueryValues.Text(query, "model") ?? throw new FormatException("model: required; pass ?model=NAME, the exact model name.");
            DateTimeOffset? at = QueryValues.Time(query, "at");
            VersionTimelineReport report = await new VersionTimelineBuilder(model, at).CreateAsync(ledger.Store, checkpoint, null, cancellationToken).ConfigureAwait(false);
            return writer => ReportWriter.WriteAsync(report, format, writer, cancellationToken);
        });

    private static Task<IResult> DataAccessAsync(HttpContext context, CollectorLedger ledger, AccessLog accessLog) =>
        RunAsync(context, ledger, async (query, format, checkpoint, cancellationToken) =>
        {
            var filters = new DataAccessFilters(QueryValues.Text(query, "user"), QueryValues.Time(query, "from"), QueryValues.Time(query, "to"));
            DataAccessReport report = await new DataAccessReportBuilder(filters).CreateAsync(ledger.Store, accessLog, checkpoint, null, cancellationToken).ConfigureAwait(false);
            return writer => ReportWriter.WriteAsync(report, format, writer, cancellationToken);
        });

    private static Task<IResult> AccessLogAsync(HttpContext context, CollectorLedger ledger, AccessLog accessLog) =>
        RunAsync(context, ledger, (query, format, checkpoint, cancellationToken) =>
        {
            var report = new AccessLogReport(checkpoint, QueryValues.Text(query, "requestId"), QueryValues.Text(query, "user"));
            Func<TextWriter, Task> write = writer => ReportWriter.WriteAsync(report, accessLog, format, writer, cancellationToken);
            return Task.FromResult(write);
        });

    /// <summary>
    /// Reads the format, opens the newest checkpoint, computes the report (bad parameters become a
    /// 400 naming the parameter) and streams it in the requested format.
    /// </summary>
    private static async Task<IResult> RunAsync(
        HttpContext context,
        CollectorLedger ledger,
        Func<IQueryCollection, ReportFormat, ReportCheckpoint, CancellationToken, Task<Func<TextWriter, Task>>> build)
    {
        IQueryCollection query = context.Request.Query;
        CancellationToken cancellationToken = context.RequestAborted;
        Func<TextWriter, Task> write;
        ReportFormat format;
        try
        {
            format = ReportWriter.ParseFormat(QueryValues.Text(query, "format"), "format");

            ReportCheckpoint checkpoint;
            try
            {
                checkpoint = await ReportCheckpoint.OpenLatestAsync(ledger.Store, NoteVerifier.Parse(ledger.Directory.VerifierKey), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return Problems.NotFound("checkpoint: none signed yet, so there is nothing to report against; record a decision and retry after the checkpoint interval.");
            }

            write = await build(query, format, checkpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException exception)
        {
            return Problems.BadRequest(exception.Message);
        }
        catch (InvalidOperationException exception)
        {
            // The timeline refuses a model whose versions alternate beyond its bound.
            return Problems.Conflict(exception.Message);
        }

        return Results.Stream(async body =>
        {
            var writer = new StreamWriter(body, new UTF8Encoding(false), 1 << 16);
            await using (writer.ConfigureAwait(false))
            {
                await write(writer).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }, ReportWriter.ContentType(format));
    }
}
