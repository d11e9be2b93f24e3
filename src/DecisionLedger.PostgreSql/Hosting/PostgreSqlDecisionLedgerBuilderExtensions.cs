using DecisionLedger.Hosting;
using DecisionLedger.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL store for a hosted ledger: <c>AddDecisionLedger(o => …).UsePostgreSql(path, connectionString)</c>.</summary>
public static class PostgreSqlDecisionLedgerBuilderExtensions
{
    /// <summary>
    /// Records into a PostgreSQL ledger: the entries live in PostgreSQL (reached with
    /// <paramref name="connectionString"/>, normally the application role), while the signing key
    /// and config stay in <paramref name="ledgerDirectoryPath"/> (created on first start). Run the
    /// migrations first with the owner role (<c>dledger migrate</c>), or set
    /// <see cref="PostgreSqlLedgerStoreOptions.MigrateOnOpen"/> in development. Calling it again
    /// replaces the previous store choice.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDecisionLedger</c>.</param>
    /// <param name="ledgerDirectoryPath">The ledger directory holding keys and config.</param>
    /// <param name="connectionString">The Npgsql connection string of the store.</param>
    /// <param name="configure">Sets schema, migration and partition options; null for the defaults (schema <c>decisionledger</c>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">A path or the connection string is empty.</exception>
    public static DecisionLedgerBuilder UsePostgreSql(this DecisionLedgerBuilder builder, string ledgerDirectoryPath, string connectionString, Action<PostgreSqlLedgerStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseStore(ledgerDirectoryPath, _ =>
        {
            var storeOptions = new PostgreSqlLedgerStoreOptions();
            configure?.Invoke(storeOptions);
            return new PostgreSqlLedgerStore(connectionString, storeOptions);
        });
    }
}
