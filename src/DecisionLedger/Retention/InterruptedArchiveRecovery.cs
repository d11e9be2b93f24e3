using System.Security.Cryptography;
using DecisionLedger.Archiving;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Retention;

/// <summary>
/// Finishes or rolls back an archive run that stopped between recording its <c>archived</c> event and
/// dropping the range's bodies, so the live store never holds a range half-archived: bodies dropped
/// without the range recorded, or the range recorded with its bodies still live.
/// </summary>
/// <remarks>
/// The archiver commits in three steps: the <c>archived</c> event (in the log), the range
/// (<c>archived_ranges</c>), then the removal of the bodies. A run killed after the event finds the
/// event without a recorded range; one killed after the range finds a range that removed nothing.
/// Recovery completes such a run only after every file the event lists still reads back with the
/// digest the event commits to; otherwise it leaves the bodies live (rolled back), logs why, and the
/// next run archives the range again under a new event.
/// </remarks>
public static class InterruptedArchiveRecovery
{
    /// <summary>Completes (or leaves rolled back) every interrupted archive run of the ledger.</summary>
    /// <param name="store">The live store.</param>
    /// <param name="ranges">The same store's archive facet.</param>
    /// <param name="openDestination">Opens a destination an <c>archived</c> event names (its <see cref="IArchiveDestination.Describe"/> text); a returned <see cref="IDisposable"/> is disposed.</param>
    /// <param name="logger">Where completions and roll-backs are logged; none by default.</param>
    /// <param name="cancellationToken">Cancels the checks; once a range is recorded its removal is not cancelled.</param>
    /// <returns>What was found and done, one outcome per interrupted run.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<IReadOnlyList<ArchiveRecoveryOutcome>> RecoverAsync(
        ILedgerStore store,
        IArchivedRangeStore ranges,
        Func<string, IArchiveDestination> openDestination,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(openDestination);
        ILogger log = logger ?? NullLogger.Instance;
        var outcomes = new List<ArchiveRecoveryOutcome>();
        IReadOnlyList<ArchivedRange> recorded = await ranges.ReadArchivedRangesAsync(cancellationToken).ConfigureAwait(false);

        // Killed after the range was recorded: the removal is all that is left, and it is idempotent.
        foreach (ArchivedRange range in recorded.Where(r => r.RemovedRows == 0))
        {
            long removed = await ranges.RemoveArchivedBodiesAsync(range.FirstSeq, range.LastSeq, CancellationToken.None).ConfigureAwait(false);
            RetentionLog.ArchiveRunCompleted(log, range.FirstSeq, range.LastSeq, range.EventSeq, removed);
            outcomes.Add(new ArchiveRecoveryOutcome(range.FirstSeq, range.LastSeq, range.EventSeq, Completed: true, removed, null));
        }

        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        foreach (ArchivedRange logged in catalog.Ranges)
        {
            // A range that overlaps a recorded one is either recorded itself or an earlier, rolled-back attempt at it.
            if (recorded.Any(r => r.FirstSeq <= logged.LastSeq && logged.FirstSeq <= r.LastSeq))
            {
                continue;
            }

            string? problem = await CheckFilesAsync(catalog, logged, openDestination, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                RetentionLog.ArchiveRunRolledBack(log, logged.FirstSeq, logged.LastSeq, logged.EventSeq, problem);
                outcomes.Add(new ArchiveRecoveryOutcome(logged.FirstSeq, logged.LastSeq, logged.EventSeq, Completed: false, 0, problem));
                continue;
            }

            // Killed after the event: the files are what the event says, so the run finishes as it would have.
            await ranges.RecordArchivedRangeAsync(logged, CancellationToken.None).ConfigureAwait(false);
            long removed = await ranges.RemoveArchivedBodiesAsync(logged.FirstSeq, logged.LastSeq, CancellationToken.None).ConfigureAwait(false);
            RetentionLog.ArchiveRunCompleted(log, logged.FirstSeq, logged.LastSeq, logged.EventSeq, removed);
            outcomes.Add(new ArchiveRecoveryOutcome(logged.FirstSeq, logged.LastSeq, logged.EventSeq, Completed: true, removed, null));
            recorded = [.. recorded, logged];
        }

        return outcomes;
    }

    private static async Task<string?> CheckFilesAsync(ArchiveCatalog catalog, ArchivedRange range, Func<string, IArchiveDestination> openDestination, CancellationToken cancellationToken)
    {
        ArchiveCatalogFile[] files = [.. catalog.Files.Where(f => f.EventSeq == range.EventSeq)];
        if (files.Length == 0)
        {
            return $"no file of the archived event at seq {range.EventSeq} is still listed by the ledger";
        }

        IArchiveDestination destination;
        try
        {
            destination = openDestination(range.Destination);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"the destination {range.Destination} cannot be opened: {e.Message}";
        }

        try
        {
            foreach (ArchiveCatalogFile file in files)
            {
                Stream? stream = await destination.OpenReadAsync(file.File, cancellationToken).ConfigureAwait(false);
                if (stream is null)
                {
                    return $"{file.Describe()} is missing";
                }

                await using (stream.ConfigureAwait(false))
                {
                    string digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
                    if (!string.Equals(digest, file.Sha256, StringComparison.Ordinal))
                    {
                        return $"{file.Describe()} has SHA-256 {digest}, but the event commits to {file.Sha256}";
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"the files at {range.Destination} cannot be read: {e.Message}";
        }
        finally
        {
            (destination as IDisposable)?.Dispose();
        }

        return null;
    }
}
