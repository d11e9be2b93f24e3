using System.CommandLine;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Verification;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>verify --archive DIR|FILE [--key VKEY] [--tiles DIR]</c>: archive files checked offline with the ledger's public key.</summary>
internal static class ArchiveCheck
{
    /// <summary>Runs the offline check; the key defaults to the key of the ledger at <c>--ledger</c>.</summary>
    /// <exception cref="CliException">The archive, key or tiles directory cannot be used; the message names the option.</exception>
    public static async Task<(string Subject, VerificationReport Report)> RunAsync(CommandContext context, ParseResult parsed, string archive, string? key, string? tiles, CancellationToken cancellationToken)
    {
        NoteVerifier verifier = ParseKey(key ?? LedgerKey(context, parsed));
        string full = Path.GetFullPath(archive);
        IArchiveDestination destination;
        string? file = null;
        if (File.Exists(full))
        {
            if (!full.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.BadInput, $"--archive: {full} is not an archive file (*{ArchivePaths.FileExtension}); pass one, or the archive directory.");
            }

            destination = new DirectoryArchiveDestination(Path.GetDirectoryName(full)!);
            file = Path.GetFileName(full);
        }
        else if (Directory.Exists(full))
        {
            destination = new DirectoryArchiveDestination(full);
        }
        else if (archive.Contains("://", StringComparison.Ordinal))
        {
            destination = ArchiveView.OpenDestination(archive);
        }
        else
        {
            throw new CliException(ExitCodes.BadInput, $"--archive: {full} does not exist; pass the directory 'dledger archive' wrote to, or one of its .parquet files.");
        }

        if (tiles is not null && !Directory.Exists(tiles))
        {
            throw new CliException(ExitCodes.BadInput, $"--tiles: {Path.GetFullPath(tiles)} is not a directory; pass the directory 'dledger export --tiles DIR' wrote.");
        }

        try
        {
            VerificationReport report = await new ArchiveFileVerifier(context.Environment.Time).VerifyAsync(destination, file, verifier, tiles is null ? null : Path.GetFullPath(tiles), cancellationToken);
            return (file is null ? destination.Describe() : full, report);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--archive/--tiles: {e.Message}", e);
        }
    }

    private static string LedgerKey(CommandContext context, ParseResult parsed)
    {
        string ledger = context.LedgerPath(parsed);
        if (!LedgerDirectory.Exists(ledger))
        {
            throw new CliException(ExitCodes.BadInput, $"--key: required with --archive when no ledger is at {ledger}; pass the ledger's verifier key string (from 'dledger key'), obtained from a source you trust.");
        }

        return LedgerDirectory.Open(ledger).VerifierKey;
    }

    private static NoteVerifier ParseKey(string key)
    {
        try
        {
            return NoteVerifier.Parse(key);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--key: not a verifier key string ({e.Message}); pass the output of 'dledger key' (name+keyid+base64key) or a file holding it.", e);
        }
    }
}
