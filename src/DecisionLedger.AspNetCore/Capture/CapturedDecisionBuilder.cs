using System.Text.Json;
using DecisionLedger.Decisions;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Assembles the <see cref="Decision"/> of a captured request once the endpoint has produced its output.</summary>
internal static class CapturedDecisionBuilder
{
    /// <summary>The decision of one captured request: input from the buffered body, actor and subject from the request, metadata from its context.</summary>
    /// <returns>
    /// The decision, and the exception of <see cref="DecisionCaptureOptions.SubjectSelector"/> when it threw
    /// (the decision then has no subject): a failing selector must not cost the decision its record.
    /// </returns>
    public static async Task<(Decision Decision, Exception? SubjectSelectorFailure)> BuildAsync(HttpContext http, DecisionCaptureMetadata capture, DecisionCaptureRuntime runtime, string endpoint, JsonElement output, int status, TimeSpan latency)
    {
        DecisionCaptureOptions options = capture.Options;
        JsonElement input = await CapturedInputReader.ReadAsync(http.Request).ConfigureAwait(false);
        var context = http.RequestServices.GetService(typeof(IDecisionContext)) as IDecisionContext;

        string? user = http.User.Identity?.Name;
        if (string.IsNullOrEmpty(user) && options.UserHeader is not null)
        {
            user = RequestHeaders.First(http, options.UserHeader);
        }

        string? tenant = options.TenantHeader is not null ? RequestHeaders.First(http, options.TenantHeader) : null;
        if (tenant is null && options.TenantClaim is not null)
        {
            tenant = http.User.FindFirst(options.TenantClaim)?.Value;
        }

        string? subject = context?.Subject;
        Exception? selectorFailure = null;
        if (subject is null && options.SubjectSelector is { } selector)
        {
            try
            {
                subject = selector(http, input);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                selectorFailure = ex;
            }
        }

        Decision decision = new()
        {
            Model = new ModelInfo
            {
                Name = capture.ModelName,
                Version = capture.ModelVersion,
                PipelineVersion = context?.PipelineVersion ?? options.PipelineVersion,
                ArtifactDigest = context?.ArtifactDigest ?? options.ArtifactDigest,
            },
            Input = input,
            Output = output,
            Explanation = context?.Explanation,
            Actor = user is null && tenant is null ? null : new Actor { UserId = user, Tenant = tenant },
            Subject = subject is null ? null : new DecisionSubject { Id = subject },
            LatencyMs = latency.TotalMilliseconds,
            Metadata = CaptureMetadataWriter.Write(http, endpoint, status, context, runtime.Json),
        };
        return (decision, selectorFailure);
    }
}
