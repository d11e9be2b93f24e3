using DecisionLedger.AspNetCore.Capture;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint decision capture: <c>app.MapPost(...).RecordDecisions("fraud_detector", "3.2.1")</c>.</summary>
public static class DecisionCaptureEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Records every decision of the endpoint (or of every endpoint of the route group) in the
    /// ledger registered by <c>AddDecisionLedger(...).Use…(...).AddEndpointCapture()</c>: the JSON request body as input, the value the
    /// endpoint returns as output, status, user, tenant, subject, latency, route, client IP and
    /// W3C traceparent. The request body is buffered so it can be read after model binding.
    /// Failures are decisions too: an exception, a non-2xx result, a throwing
    /// <see cref="DecisionCaptureOptions.SubjectSelector"/> and a body that model binding refuses
    /// (malformed or wrong-typed JSON: 400) are recorded with the error and the status.
    /// Options on an endpoint win over those on its group.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or route group builder.</typeparam>
    /// <param name="builder">The endpoint or route group.</param>
    /// <param name="modelName">The model's name, e.g. <c>fraud_detector</c>.</param>
    /// <param name="modelVersion">The model's version, e.g. <c>3.2.1</c>.</param>
    /// <param name="configure">Capture options (sampling, failure mode, user and tenant sources …); default none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A name is empty or an option is invalid.</exception>
    public static TBuilder RecordDecisions<TBuilder>(this TBuilder builder, string modelName, string modelVersion, Action<DecisionCaptureOptions>? configure = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        var options = new DecisionCaptureOptions();
        configure?.Invoke(options);
        options.Validate();
        var metadata = new DecisionCaptureMetadata(modelName, modelVersion, options);

        builder.WithMetadata(metadata);
        builder.AddEndpointFilter(new DecisionCaptureFilter(metadata));

        // Filters run after model binding has consumed the body; buffering must start before it,
        // so the endpoint's request delegate (built by now) is wrapped. The wrapper also records the
        // requests that binding refuses (400) before any filter runs.
        builder.Finally(static endpoint =>
        {
            RequestDelegate? inner = endpoint.RequestDelegate;
            if (inner is null || endpoint.Metadata.OfType<BufferingMarker>().Any())
            {
                return;
            }

            endpoint.Metadata.Add(BufferingMarker.Instance);
            endpoint.RequestDelegate = context => UnboundRequestCapture.InvokeAsync(context, inner);
        });
        return builder;
    }
}
