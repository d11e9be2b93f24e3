using System.CommandLine;
using DecisionLedger.Archiving;
using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Archive;

/// <summary><c>--include-archive</c> and <c>--archive LOC</c>: a query that also reads the decisions the ledger moved to its archive.</summary>
internal sealed class IncludeArchiveOptions
{
    private readonly Option<bool> _include = new("--include-archive") { Description = "Also search archived decisions (read from the ledger's archive with DuckDB), merged newest first with the live ones." };
    private readonly Option<string?> _archive = new("--archive") { Description = "The archive to search (implies --include-archive): a directory, dir:DIR or s3://bucket/prefix; default: every archive the ledger recorded.", HelpName = "LOC" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_include);
        command.Options.Add(_archive);
    }

    /// <summary>True when the archive is to be searched.</summary>
    public bool IsRequested(ParseResult parsed) => parsed.GetValue(_include) || parsed.GetValue(_archive) is not null;

    /// <summary>Runs one page over the live store and the archives; the count is how many entries of the page came from the archive.</summary>
    public async Task<(QueryPage Page, int? ArchivedShown)> RunAsync(ParseResult parsed, ILedgerStore store, EntryFilter filter, string? cursor, bool allowScan, CancellationToken cancellationToken)
    {
        IReadOnlyList<IArchiveDestination> archives = parsed.GetValue(_archive) is { } location
            ? [ArchiveSources.Open(location, "--archive")]
            : await ArchiveSources.OfLedgerAsync(store, cancellationToken);
        try
        {
            var query = new IncludeArchiveQuery(store, archives);
            QueryPage page = await query.RunAsync(filter, cursor, allowScan, cancellationToken);
            return (page, query.ArchivedShown);
        }
        finally
        {
            ArchiveSources.Dispose(archives);
        }
    }
}
