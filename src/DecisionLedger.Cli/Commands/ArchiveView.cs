using DecisionLedger.Archiving;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// The ledger as <c>show</c>, <c>export</c> and <c>subject-report</c> see it: the live store, plus the
/// archive files its <c>archived</c> events commit to, so an archived seq reads as if it were live.
/// </summary>
internal static class ArchiveView
{
    /// <summary>The session's store in an archive view (which only forwards when the ledger archived nothing); disposing the view leaves the store open.</summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ArchiveBackedLedgerStore> OpenAsync(LedgerSession session, CancellationToken cancellationToken)
    {
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(session.Store, cancellationToken);
        return new ArchiveBackedLedgerStore(session.Store, new ArchiveReader(catalog, OpenDestination, session.Verifier), strict: true);
    }

    /// <summary>Opens the destination an <c>archived</c> event names: <c>dir:/path</c>, a bare path, or <c>s3://bucket/prefix</c>.</summary>
    /// <exception cref="CliException">The destination text is malformed.</exception>
    public static IArchiveDestination OpenDestination(string description) =>
        Archive.ArchiveSources.Open(description, "archived destination");

    /// <summary>Says that <paramref name="seq"/>'s body was deleted by the retention policy, or null when no expired archive file held it.</summary>
    /// <param name="store">The archive view (any other store has no archives: null).</param>
    /// <param name="seq">A seq the view does not hold.</param>
    public static string? ExpiredMessage(ILedgerStore store, long seq) =>
        store is ArchiveBackedLedgerStore view && view.Catalog.ExpiryOf(seq) is { } expired ? expired.Describe(seq) : null;

    /// <summary>Maps an archive file that fails its checks to a verification failure (exit 1) naming it.</summary>
    public static CliException Untrusted(ArchiveIntegrityException e) => new(ExitCodes.VerificationFailed, e.Message, e);
}
