using DecisionLedger.Archiving;
using DecisionLedger.Archiving.S3;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// Which archives a command reads: the one <c>--archive</c> names, or every destination the ledger's
/// <c>archived</c> ranges record (as <see cref="IArchiveDestination.Describe"/> wrote them).
/// </summary>
internal static class ArchiveSources
{
    /// <summary>Opens the archive <paramref name="location"/> names (<c>DIR</c>, <c>dir:DIR</c>, <c>s3://bucket/prefix</c>).</summary>
    /// <exception cref="CliException">The location is malformed (exit 2, naming <paramref name="option"/>).</exception>
    public static IArchiveDestination Open(string location, string option)
    {
        try
        {
            return ArchiveDestinations.Parse(location, option);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, e.Message, e);
        }
    }

    /// <summary>The archives of the ledger in <paramref name="store"/>, in the order they were first written to; empty when it archived nothing.</summary>
    public static async Task<IReadOnlyList<IArchiveDestination>> OfLedgerAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        if (store is not IArchivedRangeStore ranges)
        {
            return [];
        }

        IReadOnlyList<ArchivedRange> recorded = await ranges.ReadArchivedRangesAsync(cancellationToken).ConfigureAwait(false);
        return [.. recorded.Select(r => r.Destination).Distinct(StringComparer.Ordinal).Select(d => Open(d, "archived destination"))];
    }

    /// <summary>Disposes the destinations that hold resources (an S3 client).</summary>
    public static void Dispose(IEnumerable<IArchiveDestination> archives)
    {
        foreach (IArchiveDestination archive in archives)
        {
            (archive as IDisposable)?.Dispose();
        }
    }
}
