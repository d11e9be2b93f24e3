using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds what <c>RecordDecisions</c> endpoints need to a hosted ledger: <c>AddDecisionLedger(…).UseSqlite(path).AddEndpointCapture()</c>.</summary>
public static class DecisionCaptureDecisionLedgerBuilderExtensions
{
    /// <summary>
    /// Registers endpoint capture: the scoped <see cref="IDecisionContext"/> handlers fill in,
    /// the capture filter's singletons and metrics, and the periodic sampling reports of sampled
    /// endpoints. Safe to call more than once.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDecisionLedger</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static DecisionLedgerBuilder AddEndpointCapture(this DecisionLedgerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton<SamplingRegistry>();
        services.TryAddSingleton<CaptureMetrics>();
        services.TryAddSingleton<DecisionCaptureRuntime>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDecisionLedgerReport, SamplingReporter>());
        services.TryAddScoped<DecisionContext>();
        services.TryAddScoped<IDecisionContext>(static sp => sp.GetRequiredService<DecisionContext>());
        return builder;
    }
}
