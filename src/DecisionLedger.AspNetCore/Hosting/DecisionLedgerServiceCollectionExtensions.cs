using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.AspNetCore.Hosting;
using DecisionLedger.Recording;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DecisionLedger in an ASP.NET Core service: <c>AddDecisionLedger(o => …).UseSqlite(path)</c>.</summary>
public static class DecisionLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger's recorder as a hosted service (opened when the host starts, drained
    /// with a final checkpoint when it stops), <see cref="IDecisionRecorder"/> as a singleton,
    /// the scoped <see cref="IDecisionContext"/>, and what <c>RecordDecisions</c> endpoints need.
    /// Options are validated when the host starts. Safe to call more than once: services are
    /// registered once and every <paramref name="configure"/> applies in order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; default none.</param>
    /// <returns>A builder to choose the store, e.g. <see cref="DecisionLedgerBuilder.UseSqlite"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static DecisionLedgerBuilder AddDecisionLedger(this IServiceCollection services, Action<DecisionLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DecisionLedgerOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DecisionLedgerOptions>, DecisionLedgerOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SamplingRegistry>();
        services.TryAddSingleton<CaptureMetrics>();
        services.TryAddSingleton<DecisionCaptureRuntime>();
        services.TryAddSingleton<DecisionLedgerHost>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DecisionLedgerHost>(static sp => sp.GetRequiredService<DecisionLedgerHost>()));
        services.TryAddSingleton<IDecisionRecorder>(static sp => sp.GetRequiredService<DecisionLedgerHost>().Recorder);
        services.TryAddScoped<DecisionContext>();
        services.TryAddScoped<IDecisionContext>(static sp => sp.GetRequiredService<DecisionContext>());
        return new DecisionLedgerBuilder(services);
    }
}
