using System.Diagnostics.Metrics;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Hosting;

/// <summary>
/// The one place a recorder is wired to a ledger directory: its signer, fingerprint key, redaction
/// policy, origin, input encryption and entry format come from the directory, the entries go to the store. The
/// ASP.NET host (<c>AddDecisionLedger</c>), the collector (<c>dledger serve</c>), the CLI
/// (<c>record</c>, <c>demo</c>) and the sequencer (<c>dledger sequence</c>) all start theirs here.
/// </summary>
public static class LedgerRecorder
{
    /// <summary>Starts a recorder for <paramref name="directory"/> on <paramref name="store"/>, which it opens and recovers (see <see cref="DecisionRecorder.StartAsync"/>).</summary>
    /// <param name="directory">The opened ledger directory.</param>
    /// <param name="store">The store; the caller keeps ownership and disposes it after the recorder.</param>
    /// <param name="options">Queue, batching, checkpoint and retry options; null for the defaults. Not modified: a copy gets the directory's origin, input encryption and entry format (the higher of the two).</param>
    /// <param name="time">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="meterFactory">Metrics; null for standalone meters.</param>
    /// <param name="cancellationToken">Cancels opening and recovery.</param>
    /// <returns>The started recorder; disposing it drains the queue and signs a final checkpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> or <paramref name="store"/> is null.</exception>
    public static ValueTask<DecisionRecorder> StartAsync(
        LedgerDirectory directory,
        ILedgerStore store,
        LedgerOptions? options = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(store);
        LedgerOptions recorderOptions = options?.Clone() ?? new LedgerOptions();
        recorderOptions.Origin = directory.Config.Origin;
        recorderOptions.EncryptInputs |= directory.Config.EncryptInputs;

        // The directory's entry format is the floor: a ledger configured for v2 is never written as v1.
        recorderOptions.EntryFormat = Math.Max(recorderOptions.EntryFormat, directory.Config.EntryFormat);
        ILoggerFactory loggers = loggerFactory ?? NullLoggerFactory.Instance;
        return DecisionRecorder.StartAsync(
            store,
            directory.Signer,
            directory.CreateFingerprinter(),
            recorderOptions,
            time ?? TimeProvider.System,
            random: null,
            loggers,
            meterFactory,
            cancellationToken,
            directory.CreateRedactor(loggers.CreateLogger("DecisionLedger.Redaction")));
    }
}
