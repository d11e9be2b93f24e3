using DecisionLedger.Ledger;
using DecisionLedger.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DecisionLedger.Hosting;

/// <summary>
/// Configures the ledger registered by <c>AddDecisionLedger</c>: where it lives and what it writes
/// to. The store packages add their own <c>Use…</c> on top of <see cref="UseStore"/>
/// (<c>UseSqlite</c> in DecisionLedger.Sqlite, <c>UsePostgreSql</c> in DecisionLedger.PostgreSql),
/// and a buffer package adds its own on top of <see cref="UseCaptureBuffer{TBuffer}"/>
/// (<c>UseRedisBuffer</c> in DecisionLedger.Redis).
/// </summary>
public sealed class DecisionLedgerBuilder
{
    internal DecisionLedgerBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the ledger is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Records into the store that <paramref name="createStore"/> makes from the ledger directory in
    /// <paramref name="ledgerDirectoryPath"/>. The directory (signing key, fingerprint key, config)
    /// is opened when the host starts, or created with a fresh key and
    /// <see cref="DecisionLedgerOptions.Origin"/> when it holds no ledger yet; the host owns and
    /// disposes the store. Calling it again replaces the previous choice.
    /// </summary>
    /// <param name="ledgerDirectoryPath">The ledger directory (as for <c>dledger --ledger</c>).</param>
    /// <param name="createStore">Creates the (unopened) store from the opened directory; the recorder opens it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="createStore"/> is null.</exception>
    public DecisionLedgerBuilder UseStore(string ledgerDirectoryPath, Func<LedgerDirectory, ILedgerStore> createStore)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledgerDirectoryPath);
        ArgumentNullException.ThrowIfNull(createStore);
        Services.Configure<DecisionLedgerOptions>(o =>
        {
            o.LedgerPath = ledgerDirectoryPath;
            o.StoreFactory = createStore;
        });
        return this;
    }

    /// <summary>
    /// Sends decisions to the durable buffer <typeparamref name="TBuffer"/> instead of the
    /// in-process recorder: a sequencer records them into the ledger in
    /// <paramref name="ledgerDirectoryPath"/>, which must already exist (its fingerprint key and
    /// redaction policy are used here). The service never writes the ledger itself, so
    /// <c>IDecisionRecorder</c> is not available.
    /// </summary>
    /// <typeparam name="TBuffer">The buffer, resolved from the container as a singleton.</typeparam>
    /// <param name="ledgerDirectoryPath">The sequencer's ledger directory.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public DecisionLedgerBuilder UseCaptureBuffer<TBuffer>(string ledgerDirectoryPath)
        where TBuffer : class, IDecisionCaptureBuffer
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ledgerDirectoryPath);
        Services.Configure<DecisionLedgerOptions>(o => o.LedgerPath = ledgerDirectoryPath);
        Services.TryAddSingleton<IDecisionCaptureBuffer, TBuffer>();
        return this;
    }
}
