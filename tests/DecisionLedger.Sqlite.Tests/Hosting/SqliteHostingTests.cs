using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite.Tests.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DecisionLedger.Sqlite.Tests.Hosting;

/// <summary>
/// <c>AddDecisionLedger(...).UseSqlite(path)</c> in a host without ASP.NET Core: the registration
/// lives in DecisionLedger.Hosting and the store's <c>Use…</c> in the store package.
/// </summary>
public sealed class SqliteHostingTests
{
    [Fact]
    public async Task UseSqlite_InAHostWithoutAspNetCore_CreatesTheLedgerAndRecords()
    {
        using var temp = new TempDirectory();
        string ledgerPath = temp.File("ledger");
        var services = new ServiceCollection();
        services.AddDecisionLedger(o => o.Origin = "worker.example/batch").UseSqlite(ledgerPath);
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedLifecycleService host = Assert.IsType<DecisionLedgerHost>(Assert.Single(provider.GetServices<IHostedService>()));

        await host.StartingAsync(CancellationToken.None);
        await host.StartAsync(CancellationToken.None);
        RecordReceipt receipt = await provider.GetRequiredService<IDecisionRecorder>().RecordAsync(RecorderFixture.Decision(1));
        await host.StopAsync(CancellationToken.None);
        await host.StoppedAsync(CancellationToken.None);

        Assert.Equal(0, receipt.Seq);
        LedgerDirectory ledger = LedgerDirectory.Open(ledgerPath);
        Assert.Equal("worker.example/batch", ledger.Config.Origin);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await store.OpenAsync();
        Assert.Equal(1, await store.GetSizeAsync());
        Assert.NotNull(await store.GetLatestCheckpointAsync());
    }

    [Fact]
    public async Task AddDecisionLedger_WithAPathButNoStore_FailsAtStartNamingTheStorePackages()
    {
        using var temp = new TempDirectory();
        var services = new ServiceCollection();
        services.AddDecisionLedger(o => o.LedgerPath = temp.File("ledger"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedLifecycleService host = Assert.IsType<DecisionLedgerHost>(Assert.Single(provider.GetServices<IHostedService>()));

        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartingAsync(CancellationToken.None));

        Assert.Contains("UseSqlite", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DecisionLedger.PostgreSql", ex.Message, StringComparison.Ordinal);
    }
}
