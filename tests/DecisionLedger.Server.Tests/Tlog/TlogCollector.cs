using System.Text;
using DecisionLedger.Decisions;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;

namespace DecisionLedger.Server.Tests.Tlog;

/// <summary>
/// A running collector whose ledger holds <see cref="Size"/> entries (the 3 seeds and 600 more), so it has two full
/// level-0 tiles, a partial one of width 91 and a partial level-1 tile of width 2; one key per role.
/// </summary>
public sealed class TlogCollector : IAsyncLifetime
{
    public const long Size = RunningCollector.SeedCount + 600;

    public RunningCollector Collector { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Collector = await RunningCollector.StartAsync();
        await Collector.StopServerAsync();
        await AppendAsync(Collector, Enumerable.Range(100, 600).Select(i => Some.DecisionJson(i)));
        await Collector.StartServerAsync();
    }

    public async Task DisposeAsync() => await Collector.DisposeAsync();

    /// <summary>Records decisions straight into the stopped collector's ledger; disposing the recorder signs a checkpoint over them.</summary>
    public static async Task AppendAsync(RunningCollector collector, IEnumerable<string> decisions)
    {
        LedgerDirectory ledger = LedgerDirectory.Open(collector.LedgerPath);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath);
        await store.OpenAsync();
        var parser = new DecisionParser(new DecisionLimits { MaxPayloadBytes = 1 << 20 });
        await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin });
        foreach (string decision in decisions)
        {
            await recorder.RecordAsync(parser.Parse(Encoding.UTF8.GetBytes(decision)));
        }
    }
}
