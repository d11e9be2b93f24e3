using System.Formats.Tar;
using DecisionLedger.Ledger;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// A backup of an embedded (SQLite) ledger: one tar file holding a consistent copy of
/// <c>ledger.db</c>, taken with SQLite's online backup API, and the directory's other files
/// (configuration, signing, fingerprint and redaction keys, redaction policy), so that a restore
/// into an empty directory gives a ledger that verifies and keeps signing.
/// </summary>
/// <remarks>
/// The copy is one read transaction of the database (<c>sqlite3_backup_step(-1)</c>): a recorder
/// appending meanwhile is neither blocked (WAL mode lets one writer run beside readers) nor seen
/// half-way; the backup holds exactly the ledger as it was when the copy started, with every
/// checkpoint stored by then. The archive is written with mode 0600: it holds the signing key.
/// </remarks>
internal static class LedgerBackupArchive
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The secret key files, left out by <c>--without-keys</c> for operators who keep keys apart from data.</summary>
    public static readonly string[] KeyFiles = [LedgerDirectory.SigningKeyFileName, LedgerDirectory.FingerprintKeyFileName, LedgerDirectory.RedactionKeyFileName];

    /// <summary>Copies the ledger in <paramref name="directory"/> into a new archive at <paramref name="archivePath"/>.</summary>
    /// <param name="directory">The ledger.</param>
    /// <param name="archivePath">The archive to create.</param>
    /// <param name="withKeys">False to leave the <see cref="KeyFiles"/> out.</param>
    /// <param name="cancellationToken">Cancels reading the copy's summary.</param>
    /// <returns>What the copy holds: its entry count and latest checkpoint.</returns>
    /// <exception cref="CliException">The archive exists already (exit 2), or the copy failed (exit 3).</exception>
    public static async Task<(long Entries, StoredCheckpoint? Checkpoint)> WriteAsync(LedgerDirectory directory, string archivePath, bool withKeys, CancellationToken cancellationToken)
    {
        if (File.Exists(archivePath) || Directory.Exists(archivePath))
        {
            throw new CliException(ExitCodes.BadInput, $"--out: {archivePath} exists already; choose a new file name (a backup never overwrites one).");
        }

        string staging = Path.Combine(Path.GetDirectoryName(archivePath)!, "." + Path.GetFileName(archivePath) + ".db-" + Path.GetRandomFileName());
        try
        {
            CopyDatabase(directory.DatabasePath, staging);
            (long Entries, StoredCheckpoint? Checkpoint) summary = await ReadSummaryAsync(staging, cancellationToken);
            using FileStream archive = CreateOwnerOnly(archivePath);
            using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            {
                tar.WriteEntry(staging, LedgerDirectory.DatabaseFileName);
                foreach (string file in Directory.GetFiles(directory.Path).Order(StringComparer.Ordinal))
                {
                    string name = Path.GetFileName(file);
                    if (!IsDatabaseFile(name) && (withKeys || !KeyFiles.Contains(name, StringComparer.Ordinal)))
                    {
                        tar.WriteEntry(file, name);
                    }
                }
            }

            archive.Flush(flushToDisk: true);
            return summary;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(archivePath);
            throw new CliException(ExitCodes.StoreFailure, $"--out: could not write the backup {archivePath}: {exception.Message}", exception);
        }
        finally
        {
            TryDelete(staging);
            TryDelete(staging + "-journal");
        }
    }

    /// <summary>
    /// Unpacks the archive into <paramref name="ledgerPath"/>: every file lands in a staging
    /// directory first and is checked, then the old database (and its WAL) is removed and the
    /// restored files are moved in.
    /// </summary>
    /// <exception cref="CliException">The archive is not a ledger backup (exit 2), or the files could not be written (exit 3).</exception>
    public static void Extract(string archivePath, string ledgerPath)
    {
        if (!File.Exists(archivePath))
        {
            throw new CliException(ExitCodes.BadInput, $"--from: {archivePath}: no such file; pass a file written by 'dledger backup --out'.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(ledgerPath)!);
        if (!Directory.Exists(ledgerPath))
        {
            CreateOwnerOnlyDirectory(ledgerPath);
        }

        string staging = Path.Combine(ledgerPath, ".restore-" + Path.GetRandomFileName());
        CreateOwnerOnlyDirectory(staging);
        try
        {
            List<string> names = Unpack(archivePath, staging);
            foreach (string required in new[] { LedgerDirectory.DatabaseFileName, LedgerDirectory.ConfigFileName })
            {
                if (!names.Contains(required, StringComparer.Ordinal))
                {
                    throw new CliException(ExitCodes.BadInput, $"--from: {archivePath} holds no {required}; it is not a backup written by 'dledger backup'.");
                }
            }

            foreach (string key in KeyFiles)
            {
                if (!names.Contains(key, StringComparer.Ordinal) && !File.Exists(Path.Combine(ledgerPath, key)))
                {
                    throw new CliException(
                        ExitCodes.BadInput,
                        $"--from: {archivePath} holds no {key} (a backup taken with --without-keys), and {ledgerPath} has none; copy the ledger's key files ({string.Join(", ", KeyFiles)}) there from where you keep them, mode 0600, then restore again.");
                }
            }

            // A WAL left beside the old database would be replayed into the restored one.
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(Path.Combine(ledgerPath, LedgerDirectory.DatabaseFileName + suffix));
            }

            foreach (string name in names.Where(name => name != LedgerDirectory.DatabaseFileName))
            {
                File.Move(Path.Combine(staging, name), Path.Combine(ledgerPath, name), overwrite: true);
            }

            // The database last: until it is in place the directory holds no openable ledger.
            File.Move(Path.Combine(staging, LedgerDirectory.DatabaseFileName), Path.Combine(ledgerPath, LedgerDirectory.DatabaseFileName));
        }
        catch (Exception exception) when (exception is (IOException and not EndOfStreamException) or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.StoreFailure, $"--ledger: could not restore into {ledgerPath}: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new CliException(ExitCodes.BadInput, $"--from: {archivePath} is not a readable backup archive ({exception.Message}).", exception);
        }
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; a leftover staging directory holds nothing the ledger reads.
            }
        }
    }

    /// <summary>Opens the database read-only (checking its schema) and reads its size and latest checkpoint.</summary>
    public static async Task<(long Entries, StoredCheckpoint? Checkpoint)> ReadSummaryAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var store = new SqliteLedgerStore(databasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        LedgerHead head = await store.OpenAsync(cancellationToken);
        return (head.Size, head.LatestCheckpoint);
    }

    /// <summary>Whether <paramref name="name"/> is the database or one of SQLite's files beside it.</summary>
    public static bool IsDatabaseFile(string name) =>
        name.StartsWith(LedgerDirectory.DatabaseFileName, StringComparison.Ordinal);

    private static void CopyDatabase(string databasePath, string destination)
    {
        if (!File.Exists(databasePath))
        {
            throw new CliException(ExitCodes.StoreFailure, $"{databasePath}: the ledger database is missing; there is nothing to back up.");
        }

        CreateOwnerOnly(destination).Dispose();
        try
        {
            using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
            source.Open();
            target.Open();
            source.BackupDatabase(target);

            // The copy becomes one self-contained file, with no WAL beside it.
            using SqliteCommand journal = target.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode = DELETE;";
            journal.ExecuteNonQuery();
        }
        catch (SqliteException exception)
        {
            throw new CliException(ExitCodes.StoreFailure, $"{databasePath}: could not copy the ledger database ({exception.Message}).", exception);
        }
    }

    private static List<string> Unpack(string archivePath, string staging)
    {
        var names = new List<string>();
        using FileStream input = File.OpenRead(archivePath);
        using var tar = new TarReader(input);
        while (tar.GetNextEntry() is { } entry)
        {
            string name = entry.Name;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                || name.Length == 0 || name != Path.GetFileName(name) || name is "." or ".." || name.Contains('\\', StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.BadInput, $"--from: {archivePath} holds '{name}', which is not a file of a ledger directory; it is not a backup written by 'dledger backup'.");
            }

            if (names.Contains(name, StringComparer.Ordinal))
            {
                throw new CliException(ExitCodes.BadInput, $"--from: {archivePath} holds '{name}' twice; it is not a backup written by 'dledger backup'.");
            }

            using FileStream output = CreateOwnerOnly(Path.Combine(staging, name));
            entry.DataStream?.CopyTo(output);
            names.Add(name);
        }

        return names;
    }

    private static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        return new FileStream(path, options);
    }

    private static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerReadWrite | UnixFileMode.UserExecute);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort cleanup of a staging file.
        }
    }
}
