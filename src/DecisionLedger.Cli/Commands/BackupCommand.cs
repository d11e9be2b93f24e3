using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>backup --out FILE</c>: a consistent copy of an embedded ledger (database, keys,
/// configuration) in one file, taken with SQLite's online backup API, safe while a recorder or
/// collector appends. A PostgreSQL ledger is backed up with PostgreSQL's own tools.
/// </summary>
internal sealed class BackupCommand(CommandContext context)
{
    private readonly Option<string> _out = new("--out")
    {
        Description = "The backup file to write (a tar archive, mode 0600: it holds the signing key). It must not exist.",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<bool> _withoutKeys = new("--without-keys")
    {
        Description = "Leave the key files (signing.key, fingerprint.key, redaction.key) out, for keys kept apart from the data; a restore then needs them in the target directory.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("backup", "Copy the ledger (database, keys, configuration) into one file, safely while it records; 'dledger restore' brings it back.") { _out, _withoutKeys };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        if (context.IsPostgres(parsed))
        {
            throw new CliException(
                ExitCodes.BadInput,
                "backup: this ledger lives in PostgreSQL (--store postgres), whose own tools back it up: " +
                "'pg_dump --format=custom --schema=decisionledger --file=ledger.dump DBNAME' for a snapshot, or continuous archiving (PITR); " +
                "copy the ledger directory's keys beside it. See docs/operations.md.");
        }

        string archive = Path.GetFullPath(parsed.GetValue(_out)!);
        LedgerDirectory directory = LedgerDirectory.Open(context.LedgerPath(parsed));
        (long entries, StoredCheckpoint? checkpoint) = await LedgerBackupArchive.WriteAsync(directory, archive, withKeys: !parsed.GetValue(_withoutKeys), cancellationToken);

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("out", archive);
                json.WriteNumber("entries", entries);
                if (checkpoint is null)
                {
                    json.WriteNull("checkpointTreeSize");
                }
                else
                {
                    json.WriteNumber("checkpointTreeSize", checkpoint.TreeSize);
                }

                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync(
                $"Backed up {Plural.Entries(entries)} of {directory.Path} to {archive} (latest checkpoint: tree size {checkpoint?.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
        }

        return ExitCodes.Ok;
    }
}
