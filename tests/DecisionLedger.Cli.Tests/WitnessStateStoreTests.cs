using DecisionLedger.Cli.Witness;
using DecisionLedger.Hashing;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests;

/// <summary>The witness's SQLite state is a compare-and-swap: a request that lost a race writes nothing.</summary>
public sealed class WitnessStateStoreTests
{
    private const string Origin = "decisionledger.example/fraud";

    private static WitnessedCheckpoint At(long size, byte salt = 0) => new(Origin, size, Sha256Hash.Compute([(byte)size, salt]), $"note {size}\n");

    [Fact]
    public async Task TryAdvance_FromAStaleExpectedCheckpoint_ReturnsFalseAndKeepsTheNewer()
    {
        using var temp = new TempLedger();
        string path = Path.Combine(temp.Root, "witness.db");
        SqliteWitnessStateStore store = await SqliteWitnessStateStore.OpenAsync(path, CancellationToken.None);

        Assert.True(await store.TryAdvanceAsync(null, At(5)));
        Assert.False(await store.TryAdvanceAsync(null, At(3)));
        Assert.True(await store.TryAdvanceAsync(At(5), At(9)));
        Assert.False(await store.TryAdvanceAsync(At(5), At(7)));
        Assert.False(await store.TryAdvanceAsync(At(9, salt: 1), At(12)));

        SqliteWitnessStateStore reopened = await SqliteWitnessStateStore.OpenAsync(path, CancellationToken.None);
        Assert.Equal(At(9), await reopened.GetLatestAsync(Origin));
        Assert.Null(await reopened.GetLatestAsync("other.example/log"));
    }
}
