using DecisionLedger.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DecisionLedger.Sqlite.Tests.Hosting;

/// <summary><c>DecisionLedgerOptions.Witnessing</c> in a host: checked at start, with the field named.</summary>
public sealed class HostingWitnessingTests
{
    [Fact]
    public async Task AddDecisionLedger_WitnessPolicyThatCannotBeRead_FailsAtStartNamingTheField()
    {
        using var temp = new TempDirectory();
        var services = new ServiceCollection();
        services.AddDecisionLedger(o => o.Witnessing.PolicyPath = temp.File("missing-policy.txt")).UseSqlite(temp.File("ledger"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedLifecycleService host = Assert.IsType<DecisionLedgerHost>(Assert.Single(provider.GetServices<IHostedService>()));

        OptionsValidationException refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartingAsync(CancellationToken.None));

        Assert.Contains("DecisionLedgerOptions.Witnessing.PolicyPath: cannot read", refused.Message, StringComparison.Ordinal);
    }
}
