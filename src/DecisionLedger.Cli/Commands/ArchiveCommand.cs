using System.CommandLine;
using System.Globalization;
using DecisionLedger.Archiving;
using DecisionLedger.Cli.Output;
using DecisionLedger.Recording;
using DecisionLedger.Retention;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>archive --to DIR [--before DATE | --policy FILE] [--compact]</c>: moves due decision entries
/// out of the live store into signed Parquet files, one run after another until nothing is due.
/// </summary>
internal sealed class ArchiveCommand(CommandContext context)
{
    private readonly Option<string> _to = new("--to") { Description = "Where the archive files go: a directory (DIR or dir:DIR) or S3 (s3://bucket/prefix; credentials from the AWS environment or profile, endpoint from AWS_ENDPOINT_URL_S3).", HelpName = "DIR|s3://bucket/prefix", Required = true };

    private readonly Option<string?> _before = new("--before") { Description = "Archive decisions whose timestamp is before this UTC date or instant (e.g. 2026-01-01), instead of the retention policy's 'live' durations.", HelpName = "DATE" };

    private readonly Option<string?> _policy = new("--policy") { Description = "Read the retention policy from this JSON file ({\"retention\":{…}}) instead of ledger.json.", HelpName = "FILE" };

    private readonly Option<bool> _compact = new("--compact") { Description = "After archiving, give the freed space back to the file system (SQLite VACUUM, which needs free disk space about the size of the live database; PostgreSQL VACUUM of the rows deleted from partly archived months, run only when connected as the tables' owner)." };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("archive", "Move due decision entries into signed Parquet files (one per model and month), read them back, record an 'archived' entry, then drop their bodies from the live store. Leaves, tiles, checkpoints and event entries stay.")
        {
            _to, _before, _policy, _compact,
        };
        command.SetAction(ExecuteAsync);

        // archive sql "SELECT …": DuckDB over the archive (arch-s3).
        command.Subcommands.Add(new Archive.ArchiveSqlCommand(context).Build());
        return command;
    }

    /// <summary>Opens the destination an <c>--to</c> value names.</summary>
    /// <exception cref="CliException">The value names no destination this build writes.</exception>
    internal static IArchiveDestination OpenDestination(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliException(ExitCodes.BadInput, "--to: empty; pass the archive directory, e.g. --to /var/archive/ledger.");
        }

        return Archive.ArchiveSources.Open(value, "--to");
    }

    /// <summary>Parses <c>--before</c>: a UTC date or RFC 3339 instant.</summary>
    internal static DateTimeOffset ParseBefore(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset before)
            ? before
            : throw new CliException(ExitCodes.BadInput, $"--before: '{value}' is not a date; write e.g. 2026-01-01 or 2026-01-01T00:00:00Z (UTC).");

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        IArchiveDestination destination = OpenDestination(parsed.GetValue(_to) ?? string.Empty);
        using IDisposable? ownsClient = destination as IDisposable;
        string? beforeText = parsed.GetValue(_before);
        string? policyFile = parsed.GetValue(_policy);
        if (beforeText is not null && policyFile is not null)
        {
            throw new CliException(ExitCodes.BadInput, "--before/--policy: give one; --before archives everything older than a date, --policy follows a policy file's 'live' durations.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, cancellationToken);
        if (session.Store is not IArchivedRangeStore ranges)
        {
            throw new CliException(ExitCodes.BadInput, "archive: this store cannot archive (the SQLite and PostgreSQL stores can); no entry was moved.");
        }

        DateTimeOffset now = context.Environment.Time.GetUtcNow();
        Func<EntryColumns, bool> isDue;
        if (beforeText is not null)
        {
            DateTimeOffset before = ParseBefore(beforeText);
            isDue = columns => columns.Timestamp < before;
        }
        else
        {
            RetentionPolicy policy = RetentionCommand.LoadPolicy(session.Directory, policyFile);
            if (policy.Default.Live is null && policy.Models.Values.All(r => r.Live is null))
            {
                throw new CliException(ExitCodes.BadInput, "--before: nothing says what is due; pass --before DATE, or give the retention policy a 'live' duration (ledger.json \"retention\" or --policy FILE).");
            }

            isDue = columns => policy.IsArchiveDue(columns, now);
        }

        var results = new List<ArchiveRunResult>();
        DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
        try
        {
            // A run a crash interrupted is finished (or rolled back) first, so no range is archived twice.
            var runner = new RetentionRunner(session.Store, ranges, session.Directory.Signer, recorder, ArchiveView.OpenDestination);
            RetentionRunResult run = await runner.RunAsync(destination, isDue, inputPolicy: null, now, cancellationToken);
            await RetentionCommand.PrintRecoveredAsync(context.Environment.Error, run.Recovered);
            results.AddRange(run.Archived);
        }
        catch (ArchiveReadBackException e)
        {
            throw new CliException(ExitCodes.StoreFailure, $"archive: {e.Message} The live store is unchanged for this run.");
        }
        finally
        {
            await recorder.DisposeAsync();
        }

        if (parsed.GetValue(_compact))
        {
            await ranges.CompactAsync(cancellationToken);
        }

        await PrintAsync(parsed, destination, results, cancellationToken);
        return ExitCodes.Ok;
    }

    private async Task PrintAsync(ParseResult parsed, IArchiveDestination destination, List<ArchiveRunResult> results, CancellationToken cancellationToken)
    {
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("destination", destination.Describe());
                json.WriteStartArray("runs");
                foreach (ArchiveRunResult run in results)
                {
                    json.WriteStartObject();
                    json.WriteNumber("firstSeq", run.FirstSeq);
                    json.WriteNumber("lastSeq", run.LastSeq);
                    json.WriteNumber("eventSeq", run.EventSeq);
                    json.WriteNumber("decisions", run.RemovedRows);
                    json.WriteStartArray("files");
                    foreach (ArchivedFile file in run.Files)
                    {
                        json.WriteStartObject();
                        json.WriteString("file", file.File);
                        json.WriteNumber("rows", file.Rows);
                        json.WriteString("sha256", file.Sha256);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }, cancellationToken);
            return;
        }

        if (results.Count == 0)
        {
            await context.Environment.Out.WriteLineAsync($"nothing due: no decision in a checkpointed, full tile is due for archiving (destination {destination.Describe()})");
            return;
        }

        foreach (ArchiveRunResult run in results)
        {
            await context.Environment.Out.WriteLineAsync(
                $"archived {Plural.Of(run.RemovedRows, "decision")} (seqs {run.FirstSeq}-{run.LastSeq}) into {Plural.Of(run.Files.Count, "file")} at {run.Destination}; archived entry seq {run.EventSeq}");
            foreach (ArchivedFile file in run.Files)
            {
                await context.Environment.Out.WriteLineAsync($"  {file.File}  {file.Rows} rows  sha256 {file.Sha256}");
            }
        }
    }
}
