using DecisionLedger.Entries;
using DecisionLedger.Importing;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary>The <c>import</c> event refuses counts that do not add up, so no run can claim more than it read.</summary>
public sealed class ImportEventTests
{
    [Fact]
    public void ForImport_CountsThatDoNotAddUp_AreRefusedNamingRead()
    {
        var exception = Assert.Throws<ArgumentException>(() => LedgerEvent.ForImport(new ImportEvent("audit-table", "sqlite:/a.db table t", "run-1", 5, 3, 1, 0, 0), 1));

        Assert.StartsWith("event.read: 5, but imported + duplicates + bad = 4", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForImport_MoreUnpairedThanImported_IsRefused()
    {
        var exception = Assert.Throws<ArgumentException>(() => LedgerEvent.ForImport(new ImportEvent("kserve-cloudevents", "/d.jsonl", "run-1", 2, 1, 0, 1, 2), 2));

        Assert.StartsWith("event.unpaired: 2 is more than the 1 imported", exception.Message, StringComparison.Ordinal);
    }
}
