using System.CommandLine;
using DecisionLedger.Archiving;
using DuckDB.NET.Data;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// <c>archive sql "SELECT …" [--archive LOC] [--csv]</c>: analyst SQL with DuckDB over the archive's
/// views <c>decisions</c>, <c>manifests</c> and <c>archive_rows</c> (docs/retention.md, "Querying archives").
/// Read-only: one SELECT, in a sandbox that reads only the archive's files.
/// </summary>
internal sealed class ArchiveSqlCommand(CommandContext context)
{
    private readonly Argument<string> _sql = new("SQL") { Description = "One SELECT over the views decisions, manifests and archive_rows." };
    private readonly Option<string?> _archive = new("--archive") { Description = "The archive: a directory, dir:DIR or s3://bucket/prefix; default: the archive the ledger recorded.", HelpName = "LOC" };
    private readonly Option<bool> _csv = new("--csv") { Description = "Print the result as CSV (RFC 4180) instead of a table." };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("sql", "Run one read-only SQL SELECT over the archive with DuckDB (views: decisions, manifests, archive_rows).") { _sql, _archive, _csv };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string sql = parsed.GetValue(_sql)!;
        IArchiveDestination archive = parsed.GetValue(_archive) is { } location
            ? ArchiveSources.Open(location, "--archive")
            : await LedgerArchiveAsync(parsed, cancellationToken);
        try
        {
            using ArchiveFiles files = await ArchiveFiles.OpenAsync(archive, model: null, from: null, to: null, cancellationToken);
            using ArchiveDatabase database = ArchiveDatabase.Open(files);
            ArchiveSqlGuard.RequireSingleSelect(database, sql);

            using DuckDBCommand command = database.CreateCommand();
            command.CommandText = sql;
            DuckDBDataReader reader;
            try
            {
                reader = command.ExecuteReader();
            }
            catch (DuckDBException e)
            {
                throw new CliException(ExitCodes.BadInput, $"archive sql: {FirstLine(e.Message)}", e);
            }

            using (reader)
            {
                var output = new ArchiveSqlOutput(context.Environment.Out);
                if (context.Json(parsed))
                {
                    await output.WriteJsonAsync(reader, ColumnTypes(database, sql), cancellationToken);
                }
                else if (parsed.GetValue(_csv))
                {
                    await output.WriteCsvAsync(reader);
                }
                else
                {
                    output.WriteTable(reader, context.Environment);
                }
            }

            return ExitCodes.Ok;
        }
        finally
        {
            (archive as IDisposable)?.Dispose();
        }
    }

    private async Task<IArchiveDestination> LedgerArchiveAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        IReadOnlyList<IArchiveDestination> archives = await ArchiveSources.OfLedgerAsync(session.Store, cancellationToken);
        switch (archives.Count)
        {
            case 1:
                return archives[0];
            case 0:
                throw new CliException(ExitCodes.BadInput, $"--archive: the ledger at {session.Directory.Path} has archived nothing yet; name an archive with --archive DIR|s3://bucket/prefix.");
            default:
                string names = string.Join(", ", archives.Select(a => a.Describe()));
                ArchiveSources.Dispose(archives);
                throw new CliException(ExitCodes.BadInput, $"--archive: the ledger archived to several places ({names}); pick one with --archive.");
        }
    }

    // The declared SQL types of the result's columns (JSON among them), which the reader does not tell.
    private static List<string> ColumnTypes(ArchiveDatabase database, string sql)
    {
        using DuckDBCommand describe = database.CreateCommand();
        describe.CommandText = "DESCRIBE " + sql.Trim().TrimEnd(';');
        using DuckDBDataReader reader = describe.ExecuteReader();
        var types = new List<string>();
        while (reader.Read())
        {
            types.Add(reader.GetString(1));
        }

        return types;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
