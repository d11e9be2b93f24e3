using DecisionLedger.Hosting;
using DecisionLedger.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the embedded SQLite store for a hosted ledger: <c>AddDecisionLedger(o => …).UseSqlite(path)</c>.</summary>
public static class SqliteDecisionLedgerBuilderExtensions
{
    /// <summary>
    /// Records into the embedded SQLite ledger in <paramref name="ledgerDirectoryPath"/>: opened
    /// at start, or created (with a fresh signing key and <see cref="DecisionLedgerOptions.Origin"/>)
    /// when the directory holds no ledger yet. Calling it again replaces the previous store choice.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDecisionLedger</c>.</param>
    /// <param name="ledgerDirectoryPath">The ledger directory (as for <c>dledger --ledger</c>).</param>
    /// <param name="configure">Sets store options (e.g. the index mode); null for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static DecisionLedgerBuilder UseSqlite(this DecisionLedgerBuilder builder, string ledgerDirectoryPath, Action<SqliteLedgerStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(ledgerDirectoryPath, ledger =>
        {
            var storeOptions = new SqliteLedgerStoreOptions();
            configure?.Invoke(storeOptions);
            return new SqliteLedgerStore(ledger.DatabasePath, storeOptions);
        });
    }
}
