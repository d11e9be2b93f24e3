using DecisionLedger.PostgreSql;
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
        Services.Configure<DecisionLedgerOptions>(o =>
        {
            o.LedgerPath = ledgerDirectoryPath;
            o.StoreFactory = null;
        });
        return this;
    }

    /// <summary>
    /// Records into a PostgreSQL ledger: the entries live in PostgreSQL (reached with
    /// <paramref name="connectionString"/>, normally the application role), while the signing key
    /// and config stay in <paramref name="ledgerDirectoryPath"/> (created on first start like
    /// <see cref="UseSqlite"/>). Run the migrations first with the owner role
    /// (<c>dledger migrate</c>), or set <see cref="PostgreSqlLedgerStoreOptions.MigrateOnOpen"/> in
    /// development. Calling it again replaces the previous store choice.
    /// </summary>
    /// <param name="ledgerDirectoryPath">The ledger directory holding keys and config.</param>
    /// <param name="connectionString">The Npgsql connection string of the store.</param>
    /// <param name="configure">Sets schema, migration and partition options; null for the defaults (schema <c>decisionledger</c>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A path or the connection string is empty.</exception>
    public DecisionLedgerBuilder UsePostgreSql(string ledgerDirectoryPath, string connectionString, Action<PostgreSqlLedgerStoreOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledgerDirectoryPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.Configure<DecisionLedgerOptions>(o =>
        {
            o.LedgerPath = ledgerDirectoryPath;
            o.StoreFactory = _ =>
            {
                var storeOptions = new PostgreSqlLedgerStoreOptions();
                configure?.Invoke(storeOptions);
                return new PostgreSqlLedgerStore(connectionString, storeOptions);
            };
        });
        return this;
    }
}
