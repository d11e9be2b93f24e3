using DecisionLedger.Checkpoints;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli;

/// <summary>An opened ledger: its directory (keys, origin) and its SQLite store.</summary>
internal sealed class LedgerSession : IAsyncDisposable
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private LedgerSession(LedgerDirectory directory, ILedgerStore store)
    {
        Directory = directory;
        Store = store;
    }

    /// <summary>The ledger directory: origin, signer, verifier key.</summary>
    public LedgerDirectory Directory { get; }

    /// <summary>The opened store.</summary>
    public ILedgerStore Store { get; }

    /// <summary>The ledger's origin line.</summary>
    public string Origin => Directory.Config.Origin;

    /// <summary>The verifier of the ledger's own checkpoints.</summary>
    public NoteVerifier Verifier => NoteVerifier.Parse(Directory.VerifierKey);

    /// <summary>Opens the ledger at <paramref name="path"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No ledger is there.</exception>
    /// <exception cref="CliException">The database is read-only and <paramref name="forWrite"/> is set (exit 3).</exception>
    /// <param name="path">The ledger directory.</param>
    /// <param name="forWrite">True to append: checks write permission and opens the store writable.</param>
    /// <param name="storeFactory">Creates the store.</param>
    /// <param name="openStore">
    /// False for <c>verify</c>: the store's open checks refuse a damaged tail, but verification must
    /// read a damaged ledger to name the first bad seq, and needs only reads.
    /// </param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <param name="fileBacked">True (default) when the store is the SQLite file in the directory, whose permissions and presence are checked; false for PostgreSQL.</param>
    public static async Task<LedgerSession> OpenAsync(string path, bool forWrite, Func<string, bool, ILedgerStore> storeFactory, bool openStore, CancellationToken cancellationToken, bool fileBacked = true)
    {
        LedgerDirectory directory = LedgerDirectory.Open(path);
        if (forWrite && fileBacked)
        {
            EnsureWritable(directory.DatabasePath);
        }

        ILedgerStore store = storeFactory(directory.DatabasePath, !forWrite);
        try
        {
            if (openStore)
            {
                await store.OpenAsync(cancellationToken);
            }
            else if (fileBacked && !File.Exists(directory.DatabasePath))
            {
                throw new CliException(ExitCodes.StoreFailure, $"{directory.DatabasePath}: the ledger database is missing; restore it from a backup.");
            }
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return new LedgerSession(directory, store);
    }

    /// <summary>
    /// Refuses to write to a database file (or its directory) without write permission bits.
    /// The kernel lets root write anyway, and CI runs as root, so the mode is checked here.
    /// </summary>
    /// <exception cref="CliException">The file or directory is read-only (exit 3).</exception>
    public static void EnsureWritable(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (File.Exists(databasePath))
        {
            UnixFileMode mode = File.GetUnixFileMode(databasePath);
            if ((mode & AnyWrite) == 0 || (File.GetAttributes(databasePath) & FileAttributes.ReadOnly) != 0)
            {
                throw new CliException(ExitCodes.StoreFailure, $"{databasePath}: the ledger database is read-only (mode {FormatMode(mode)}); make it writable (chmod u+w) or record into another --ledger.");
            }
        }

        string? folder = Path.GetDirectoryName(databasePath);
        if (folder is not null && System.IO.Directory.Exists(folder))
        {
            UnixFileMode mode = File.GetUnixFileMode(folder);
            if ((mode & AnyWrite) == 0)
            {
                throw new CliException(ExitCodes.StoreFailure, $"{folder}: the ledger directory is read-only (mode {FormatMode(mode)}); SQLite needs to write its journal there, so make it writable (chmod u+w).");
            }
        }
    }

    /// <summary>Starts a recorder on this ledger; disposing it drains and writes a final checkpoint.</summary>
    public async Task<DecisionRecorder> StartRecorderAsync(TimeProvider time, CancellationToken cancellationToken) =>
        await LedgerRecorder.StartAsync(Directory, Store, time: time, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Store.DisposeAsync();

    private static string FormatMode(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
