using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>restore --from FILE</c>: brings a backup written by <c>dledger backup</c> back into the
/// <c>--ledger</c> directory, which must be new or empty unless <c>--force</c> replaces the ledger there.
/// </summary>
internal sealed class RestoreCommand(CommandContext context)
{
    private readonly BackupArchiveFile _from = new("restore", "--from", "The backup file written by 'dledger backup --out'.");

    private readonly Option<bool> _force = new("--force")
    {
        Description = "Replace the ledger already in --ledger (its database, keys and configuration). Stop every recorder and collector on it first.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("restore", "Restore a ledger from a file written by 'dledger backup' into a --ledger directory that holds no ledger.") { _from.Option, _force };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string archive = _from.ReadPath(
            context,
            parsed,
            "; restore a pg_dump with pg_restore (or recover from a base backup and WAL archive) as docs/operations.md shows.");
        string ledger = context.LedgerPath(parsed);
        // A directory holding only key files is where a backup taken --without-keys is restored.
        if ((LedgerDirectory.Exists(ledger) || File.Exists(Path.Combine(ledger, LedgerDirectory.DatabaseFileName))) && !parsed.GetValue(_force))
        {
            throw new CliException(
                ExitCodes.StoreFailure,
                $"--ledger: {ledger} holds a ledger; restore into a new directory, or pass --force to replace it (stop every recorder on it first).");
        }

        LedgerBackupArchive.Extract(archive, ledger);
        LedgerDirectory directory = LedgerDirectory.Open(ledger);
        (long entries, StoredCheckpoint? checkpoint) = await LedgerBackupArchive.ReadSummaryAsync(directory.DatabasePath, cancellationToken);

        await _from.WriteSummaryAsync(
            context,
            parsed,
            "ledger",
            directory.Path,
            entries,
            checkpoint,
            $"Restored {Plural.Entries(entries)} into {directory.Path} ({BackupArchiveFile.LatestCheckpointText(checkpoint)}). Run 'dledger verify --ledger {directory.Path}' to check it.",
            cancellationToken);

        return ExitCodes.Ok;
    }
}
