using DecisionLedger.Ledger;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests.Timestamping;

/// <summary>A demo ledger made with the CLI, and its SQLite store opened beside it for the stamper and the attestation tests.</summary>
internal sealed class TimestampedLedger : IAsyncDisposable
{
    private readonly TempLedger _temp = new();

    private TimestampedLedger()
    {
    }

    public string Ledger => _temp.Ledger;

    public string Root => _temp.Root;

    public string Key { get; private set; } = string.Empty;

    public SqliteLedgerStore Store { get; private set; } = null!;

    public static async Task<TimestampedLedger> CreateAsync(int count = 5)
    {
        var ledger = new TimestampedLedger();
        await Ok("demo", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", ledger.Ledger);
        ledger.Key = (await Ok("key", "--ledger", ledger.Ledger)).Out.TrimEnd('\n');
        ledger.Store = new SqliteLedgerStore(LedgerDirectory.Open(ledger.Ledger).DatabasePath);
        await ledger.Store.OpenAsync();
        return ledger;
    }

    public async Task<StoredCheckpoint> LatestAsync() => (await Store.GetLatestCheckpointAsync())!;

    /// <summary>Exports a full bundle into a new directory and returns it.</summary>
    public async Task<string> ExportAsync(string name)
    {
        string directory = Path.Combine(Root, name);
        await Ok("export", "--out", directory, "--ledger", Ledger);
        return directory;
    }

    public static async Task<CliResult> Ok(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _temp.Dispose();
    }
}
