using DecisionLedger.Encryption;
using DecisionLedger.Ledger;
using DecisionLedger.Randomness;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>What <see cref="DecisionRecorder.StartAsync"/> checks and defaults before it opens the store.</summary>
internal static class RecorderStartup
{
    /// <summary>Validates the options, including the master key encryption needs.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(LedgerOptions options)
    {
        options.Validate();
        if (options.EncryptInputs && options.MasterKey is null && MasterKey.FromEnvironment() is null)
        {
            throw new ArgumentException($"LedgerOptions.MasterKey: required when EncryptInputs is on; set it, or the environment variable {MasterKey.EnvironmentVariable} (base64 of 32 random bytes).");
        }
    }

    /// <summary>The redactor used when the caller passes none: <see cref="RedactionPolicy.PrivacyByDefault"/>.</summary>
    public static IRedactor DefaultRedactor(IRandomSource random)
    {
        // The default policy only tags; the hash operator's key is never used, so a fresh one is fine.
        byte[] unusedKey = new byte[PolicyRedactor.MinimumKeyLength];
        random.Fill(unusedKey);
        return new PolicyRedactor(RedactionPolicy.PrivacyByDefault, unusedKey);
    }

    /// <summary>
    /// Refuses a ledger that was closed cleanly and has grown since without a checkpoint (no
    /// recorder wrote that tail: see <see cref="ICleanCloseStore"/>); otherwise clears the
    /// clean-close fact, so a crash of this recorder leaves its uncovered tail recognisable as such.
    /// </summary>
    /// <exception cref="UncoveredTailException">Entries appeared after the clean close that no checkpoint covers.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask ClaimAsync(ILedgerStore store, LedgerHead head, ILogger logger, CancellationToken cancellationToken)
    {
        if (store is not ICleanCloseStore marker)
        {
            return;
        }

        long? closedAt = await marker.ReadCleanCloseAsync(cancellationToken).ConfigureAwait(false);
        if (closedAt is null)
        {
            return;
        }

        // Stricter than verify (UncoveredTail.AfterCleanClose): nothing writes while a recorder opens,
        // so any tail beyond the newest checkpoint after a clean close is refused.
        long covered = head.LatestCheckpoint?.TreeSize ?? 0;
        if (head.Size > covered)
        {
            var tail = new UncoveredTail(covered, head.Size, closedAt);
            RecorderLog.UncoveredTailRefused(logger, tail.FirstSeq, tail.Count, closedAt.Value);
            throw tail.ToException();
        }

        await marker.WriteCleanCloseAsync(null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a graceful stop: records the clean close when the newest checkpoint covers every entry
    /// (the final checkpoint was stored). A failure only loses the fact, so it is logged, not thrown.
    /// </summary>
    public static async ValueTask RecordCleanCloseAsync(ILedgerStore store, ILogger logger)
    {
        if (store is not ICleanCloseStore marker)
        {
            return;
        }

        try
        {
            long size = await store.GetSizeAsync(CancellationToken.None).ConfigureAwait(false);
            StoredCheckpoint? latest = await store.GetLatestCheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            if ((latest?.TreeSize ?? 0) == size)
            {
                await marker.WriteCleanCloseAsync(size, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (LedgerStoreException exception)
        {
            RecorderLog.CleanCloseNotRecorded(logger, exception);
        }
    }
}
