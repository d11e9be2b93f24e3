using DecisionLedger.Sqlite;

namespace DecisionLedger.Cli.Tests;

/// <summary>Every file of a ledger is readable by its owner only, and so is the directory listing them.</summary>
public sealed class LedgerFileModeTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = OwnerReadWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task Init_NewLedger_DirectoryIs0700AndEveryFile0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempLedger();
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(20), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());

        Assert.Equal(OwnerAll, File.GetUnixFileMode(temp.Ledger));
        foreach (string file in Directory.GetFiles(temp.Ledger))
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{Path.GetFileName(file)} has mode {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    public async Task SqliteStore_NewFile_DatabaseWalAndShmAre0600WhileOpen()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempLedger();
        string path = Path.Combine(temp.Root, "ledger.db");
        await using (var store = new SqliteLedgerStore(path))
        {
            await store.OpenAsync();
            Assert.True(File.Exists(path + "-wal"), "the store is open in WAL mode, so its WAL exists");
            Assert.True(File.Exists(path + "-shm"), "the store is open in WAL mode, so its shared-memory file exists");
            foreach (string file in new[] { path, path + "-wal", path + "-shm" })
            {
                Assert.True(File.GetUnixFileMode(file) == OwnerReadWrite, $"{Path.GetFileName(file)} has mode {File.GetUnixFileMode(file)}");
            }
        }
    }
}
