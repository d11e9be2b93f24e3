using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Testing;

public sealed class FraudScorerTests
{
    [Fact]
    public async Task ScoreAsync_LargeAmount_RecordsOneVerifiableFraudDecision()
    {
        var ledger = new InMemoryLedger(seed: 42);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using (DecisionRecorder recorder = await ledger.StartRecorderAsync(time))
        {
            double score = await new FraudScorer(recorder).ScoreAsync("customer-1842", 1_249.99m);
            Assert.Equal(0.91, score);
        }

        var filter = new EntryFilter { SubjectId = "customer-1842" };
        StoredEntry entry = Assert.Single(await ledger.Store.QueryAsync(filter).ToListAsync());
        Assert.Equal("fraud_detector", entry.Columns.ModelName);
        Assert.Equal(time.GetUtcNow(), entry.Columns.Timestamp);
        Assert.True((await ledger.VerifyAsync()).Passed);
    }
}
