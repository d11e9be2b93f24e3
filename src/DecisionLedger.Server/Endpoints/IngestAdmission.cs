using System.Globalization;
using System.Threading.RateLimiting;
using DecisionLedger.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// Admission to the ingest routes (<c>POST /v1/decisions</c>, <c>POST /v1/cloudevents</c>), one limit shared by both: at most <see cref="CollectorOptions.MaxConcurrentIngestRequests"/>
/// requests are read and recorded at once, up to <see cref="CollectorOptions.MaxQueuedIngestRequests"/> more
/// wait with their bodies unread, and any beyond that is shed at once with 503, <c>Retry-After</c> and a
/// problem detail. Under overload memory then grows with the permits, not with the clients: a request holds
/// its body only once admitted.
/// </summary>
internal static class IngestAdmission
{
    /// <summary>The rate-limiting policy of the ingest routes.</summary>
    public const string Policy = "decision-ingest";

    public static void AddServices(IServiceCollection services, CollectorOptions options)
    {
        services.AddSingleton<IngestMetrics>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddConcurrencyLimiter(Policy, concurrency =>
            {
                concurrency.PermitLimit = options.MaxConcurrentIngestRequests;
                concurrency.QueueLimit = options.MaxQueuedIngestRequests;
                concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = (rejected, _) =>
            {
                HttpContext context = rejected.HttpContext;
                context.RequestServices.GetRequiredService<IngestMetrics>().Reject(IngestMetrics.Overloaded);
                string detail = string.Create(CultureInfo.InvariantCulture, $"{context.Request.Method} {context.Request.Path}: {options.MaxConcurrentIngestRequests} requests are being recorded and {options.MaxQueuedIngestRequests} more wait; this one was not read, and nothing of it was recorded. Retry after Retry-After seconds (MaxConcurrentIngestRequests, MaxQueuedIngestRequests).");
                return new ValueTask(Problems.Overloaded(context, detail).ExecuteAsync(context));
            };
        });
    }

    /// <summary>Adds the middleware; after routing, so it sees the endpoint's policy.</summary>
    public static void Use(IApplicationBuilder app) => app.UseRateLimiter();
}
