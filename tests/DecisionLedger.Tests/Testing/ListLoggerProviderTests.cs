using Microsoft.Extensions.Logging;

namespace DecisionLedger.Tests.Testing;

public sealed class ListLoggerProviderTests
{
    [Fact]
    public void Log_KeepsCategoryLevelEventIdMessageAndException()
    {
        using var logs = new ListLoggerProvider();
        var failure = new InvalidOperationException("disk full");

        logs.CreateLogger("Fraud.Scorer").LogWarning(new EventId(3012, "Stalled"), failure, "Batch {Batch} stalled", 7);

        LoggedMessage message = Assert.Single(logs.Entries);
        Assert.Equal(new LoggedMessage("Fraud.Scorer", LogLevel.Warning, 3012, "Batch 7 stalled", failure), message);
        Assert.Contains("disk full", message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateLogger_AsLoggerFactory_KeepsEveryLevel()
    {
        ILoggerFactory factory = new ListLoggerProvider();

        factory.CreateLogger("c").LogTrace("quiet");

        Assert.Equal(LogLevel.Trace, Assert.Single(((ListLoggerProvider)factory).Entries).Level);
    }
}
