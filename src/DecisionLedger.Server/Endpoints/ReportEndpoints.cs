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
    private static readonly string[] s_formats = ["json", "csv", "html"];

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
            return writer => format switch
            {
                "csv" => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
                "html" => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
                _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
            };
        });

    private static Task<IResult> VersionTimelineAsync(HttpContext context, CollectorLedger ledger) =>
        RunAsync(context, ledger, async (query, format, checkpoint, cancellationToken) =>
        {
            string model = QueryValues.Text(query, "model") ?? throw new FormatException("model: required; pass ?model=NAME, the exact model name.");
            DateTimeOffset? at = QueryValues.Time(query, "at");
            VersionTimelineReport report = await new VersionTimelineBuilder(model, at).CreateAsync(ledger.Store, checkpoint, null, cancellationToken).ConfigureAwait(false);
            return writer => format switch
            {
                "csv" => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
                "html" => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
                _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
            };
        });

    private static Task<IResult> DataAccessAsync(HttpContext context, CollectorLedger ledger, AccessLog accessLog) =>
        RunAsync(context, ledger, async (query, format, checkpoint, cancellationToken) =>
        {
            var filters = new DataAccessFilters(QueryValues.Text(query, "user"), QueryValues.Time(query, "from"), QueryValues.Time(query, "to"));
            DataAccessReport report = await new DataAccessReportBuilder(filters).CreateAsync(ledger.Store, accessLog, checkpoint, null, cancellationToken).ConfigureAwait(false);
            return writer => format switch
            {
                "csv" => ReportCsvWriter.WriteAsync(report, writer, cancellationToken),
                "html" => ReportHtmlWriter.WriteAsync(report, writer, cancellationToken),
                _ => ReportJsonWriter.WriteAsync(report, writer, cancellationToken),
            };
        });

    private static Task<IResult> AccessLogAsync(HttpContext context, CollectorLedger ledger, AccessLog accessLog) =>
        RunAsync(context, ledger, (query, format, checkpoint, cancellationToken) =>
        {
            var report = new AccessLogReport(checkpoint, QueryValues.Text(query, "requestId"), QueryValues.Text(query, "user"));
            Func<TextWriter, Task> write = writer => format switch
            {
                "csv" => ReportCsvWriter.WriteAsync(report, report.ReadRecordsAsync(accessLog, cancellationToken), writer, cancellationToken),
                "html" => ReportHtmlWriter.WriteAsync(report, report.ReadRecordsAsync(accessLog, cancellationToken), writer, cancellationToken),
                _ => ReportJsonWriter.WriteAsync(report, report.ReadRecordsAsync(accessLog, cancellationToken), writer, cancellationToken),
            };
            return Task.FromResult(write);
        });

    /// <summary>
    /// Reads the format, opens the newest checkpoint, computes the report (bad parameters become a
    /// 400 naming the parameter) and streams it in the requested format.
    /// </summary>
    private static async Task<IResult> RunAsync(
        HttpContext context,
        CollectorLedger ledger,
        Func<IQueryCollection, string, ReportCheckpoint, CancellationToken, Task<Func<TextWriter, Task>>> build)
    {
        IQueryCollection query = context.Request.Query;
        CancellationToken cancellationToken = context.RequestAborted;
        Func<TextWriter, Task> write;
        string format;
        try
        {
            format = QueryValues.Text(query, "format") ?? "json";
            if (!s_formats.Contains(format, StringComparer.Ordinal))
            {
                throw new FormatException($"format: '{format}' is not one of json, csv, html.");
            }

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

        string contentType = format switch
        {
            "csv" => "text/csv; charset=utf-8",
            "html" => "text/html; charset=utf-8",
            _ => "application/json; charset=utf-8",
        };
        return Results.Stream(async body =>
        {
            var writer = new StreamWriter(body, new UTF8Encoding(false), 1 << 16);
            await using (writer.ConfigureAwait(false))
            {
                await write(writer).ConfigureAwait(false);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }, contentType);
    }
}
