using System.Reflection;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli.Tests;

public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("bogus")]
    [InlineData("proof", "inclusion")]
    [InlineData("query", "--limit", "abc")]
    public async Task Run_BadUsage_ExitsTwo(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public async Task Show_MissingLedgerDirectory_ExitsThreeNamingPath()
    {
        using var temp = new TempLedger();
        CliResult result = await CliRun.RunAsync("show", "--seq", "0", "--ledger", temp.Ledger);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(temp.Ledger, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_BadTime_ExitsTwoNamingOption()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "3", "--ledger", temp.Ledger);
        CliResult result = await CliRun.RunAsync("query", "--from", "yesterday", "--ledger", temp.Ledger);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--from", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ReadOnlyDatabase_ExitsThreeNamingPath()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "3", "--ledger", temp.Ledger);
        File.SetUnixFileMode(temp.Database, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(2), null, "record", "--ledger", temp.Ledger);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(temp.Database, result.Error, StringComparison.Ordinal);
        Assert.Contains("read-only", result.Error, StringComparison.Ordinal);
        File.SetUnixFileMode(temp.Database, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task Record_DiskFull_ExitsThreeNamingPath()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(3), DiskFullStore.Create, "record", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(result.Error.Contains(temp.Database, StringComparison.Ordinal), result.Error);
        Assert.Contains("full", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_KeyWithoutBundle_ExitsTwo()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "3", "--ledger", temp.Ledger);
        CliResult result = await CliRun.RunAsync("verify", "--key", "x+1+AAAA", "--ledger", temp.Ledger);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--key", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A SQLite store whose appends hit a genuine SQLITE_FULL: each append first writes through a
    /// side connection capped with PRAGMA max_page_count (the store exposes no such option).
    /// </summary>
    public class DiskFullStore : DispatchProxy
    {
        private ILedgerStore _inner = null!;
        private string _path = null!;

        public static ILedgerStore Create(string path, bool readOnly)
        {
            ILedgerStore proxy = Create<ILedgerStore, DiskFullStore>();
            var self = (DiskFullStore)(object)proxy;
            self._inner = new SqliteLedgerStore(path, new SqliteLedgerStoreOptions { ReadOnly = readOnly });
            self._path = path;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ILedgerStore.AppendAsync))
            {
                using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
                connection.Open();
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "PRAGMA page_count;";
                long pages = (long)command.ExecuteScalar()!;
                command.CommandText = $"PRAGMA max_page_count = {pages};";
                command.ExecuteScalar();
                command.CommandText = "CREATE TABLE IF NOT EXISTS filler(x BLOB); INSERT INTO filler VALUES (zeroblob(1000000));";
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (SqliteException exception) when (exception.SqliteErrorCode == 13)
                {
                    return ValueTask.FromException(new LedgerStoreException($"Could not append a batch: the disk holding the ledger database '{_path}' is full; nothing of this write was stored. Free space and retry.", exception));
                }

                throw new InvalidOperationException("SQLite did not report SQLITE_FULL.");
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}
