using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.AspNetCore.Hosting;

/// <summary>Configures the ledger registered by <c>AddDecisionLedger</c>: chooses its store.</summary>
public sealed class DecisionLedgerBuilder
{
    internal DecisionLedgerBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the ledger is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Records into the embedded SQLite ledger in <paramref name="ledgerDirectoryPath"/>: opened
    /// at start, or created (with a fresh signing key and <see cref="DecisionLedgerOptions.Origin"/>)
    /// when the directory holds no ledger yet. Calling it again replaces the path.
    /// </summary>
    /// <param name="ledgerDirectoryPath">The ledger directory (as for <c>dledger --ledger</c>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public DecisionLedgerBuilder UseSqlite(string ledgerDirectoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledgerDirectoryPath);
        Services.Configure<DecisionLedgerOptions>(o => o.LedgerPath = ledgerDirectoryPath);
        return this;
    }
}
