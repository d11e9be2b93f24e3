using System.Diagnostics.Metrics;
using DecisionLedger.Hosting;
using DecisionLedger.Recording;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DecisionLedger in any .NET host: <c>AddDecisionLedger(o => …).UseSqlite(path)</c>.</summary>
public static class DecisionLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger's recorder as a hosted service (opened when the host starts, drained
    /// with a final checkpoint when it stops) and <see cref="IDecisionRecorder"/> as a singleton.
    /// Choose the store on the returned builder (<c>UseSqlite</c> from DecisionLedger.Sqlite,
    /// <c>UsePostgreSql</c> from DecisionLedger.PostgreSql); an ASP.NET Core service adds
    /// <c>AddEndpointCapture()</c> from DecisionLedger.AspNetCore. Options are validated when the
    /// host starts. Safe to call more than once: services are registered once and every
    /// <paramref name="configure"/> applies in order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; default none.</param>
    /// <returns>A builder to choose the store.</returns>
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
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new DecisionLedgerHost(
            sp.GetRequiredService<IOptions<DecisionLedgerOptions>>(),
            sp.GetServices<IDecisionLedgerReport>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance,
            sp.GetService<IMeterFactory>(),
            sp.GetService<IDecisionCaptureBuffer>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DecisionLedgerHost>(static sp => sp.GetRequiredService<DecisionLedgerHost>()));
        services.TryAddSingleton<IDecisionRecorder>(static sp => sp.GetRequiredService<DecisionLedgerHost>().Recorder);
        return new DecisionLedgerBuilder(services);
    }
}
