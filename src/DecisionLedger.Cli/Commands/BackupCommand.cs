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
    private readonly BackupArchiveFile _out = new(
        "backup",
        "--out",
        "The backup file to write (a tar archive, mode 0600: it holds the signing key). It must not exist.");

    private readonly Option<bool> _withoutKeys = new("--without-keys")
    {
        Description = "Leave the key files (signing.key, fingerprint.key, redaction.key) out, for keys kept apart from the data; a restore then needs them in the target directory.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("backup", "Copy the ledger (database, keys, configuration) into one file, safely while it records; 'dledger restore' brings it back.") { _out.Option, _withoutKeys };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string archive = _out.ReadPath(
            context,
            parsed,
            ", whose own tools back it up: " +
            "'pg_dump --format=custom --schema=decisionledger --file=ledger.dump DBNAME' for a snapshot, or continuous archiving (PITR); " +
            "copy the ledger directory's keys beside it. See docs/operations.md.");
        LedgerDirectory directory = LedgerDirectory.Open(context.LedgerPath(parsed));
        (long entries, StoredCheckpoint? checkpoint) = await LedgerBackupArchive.WriteAsync(directory, archive, withKeys: !parsed.GetValue(_withoutKeys), cancellationToken);

        await _out.WriteSummaryAsync(
            context,
            parsed,
            "out",
            archive,
            entries,
            checkpoint,
            $"Backed up {Plural.Entries(entries)} of {directory.Path} to {archive} ({BackupArchiveFile.LatestCheckpointText(checkpoint)}).",
            cancellationToken);

        return ExitCodes.Ok;
    }
}
