using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>
/// Checkpoint attestations (<see cref="ICheckpointAttestationStore"/>): idempotent on (size, kind,
/// source), never replaced, read back per checkpoint in the order stored, durable across a reopen.
/// </summary>
public abstract partial class LedgerStoreContract
{
    private static readonly DateTimeOffset AttestedAt = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new ledger has no attestations for any size.</summary>
    [StoreFact]
    public async Task ReadAttestationsAsync_NewStore_IsEmpty()
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        ICheckpointAttestationStore attestations = Assert.IsAssignableFrom<ICheckpointAttestationStore>(store);

        Assert.Empty(await attestations.ReadAttestationsAsync(0));
        Assert.Empty(await attestations.ReadAttestationsAsync(5));
    }

    /// <summary>Attestations come back for their checkpoint only, in the order stored, with every field intact, after a reopen.</summary>
    [StoreFact]
    public async Task AddAttestationAsync_ReadsBackPerCheckpointInOrder_AfterReopen()
    {
        CheckpointAttestation second = Attestation(3, "witness-b", "— cosignature/v1 b\n");
        CheckpointAttestation first = Attestation(3, "witness-a", "— cosignature/v1 a\n");
        CheckpointAttestation token = Attestation(3, "tsa", "\u0030\u0082", CheckpointAttestationKind.Timestamp);
        CheckpointAttestation other = Attestation(4, "witness-a", "— cosignature/v1 a4\n");
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            var attestations = (ICheckpointAttestationStore)store;
            Assert.True(await attestations.AddAttestationAsync(second));
            Assert.True(await attestations.AddAttestationAsync(first));
            Assert.True(await attestations.AddAttestationAsync(token));
            Assert.True(await attestations.AddAttestationAsync(other));
        }

        await using ILedgerStore reopened = await ReopenStoreAsync();
        await reopened.OpenAsync();
        IReadOnlyList<CheckpointAttestation> read = await ((ICheckpointAttestationStore)reopened).ReadAttestationsAsync(3);

        Assert.Equal(["witness-b", "witness-a", "tsa"], read.Select(a => a.Source));
        AssertSame(second, read[0]);
        AssertSame(token, read[2]);
        AssertSame(other, Assert.Single(await ((ICheckpointAttestationStore)reopened).ReadAttestationsAsync(4)));
    }

    /// <summary>A second attestation from the same source for the same checkpoint and kind is ignored: the first is never replaced.</summary>
    [StoreFact]
    public async Task AddAttestationAsync_SameSizeKindAndSource_KeepsTheFirst()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        var attestations = (ICheckpointAttestationStore)store;
        CheckpointAttestation original = Attestation(7, "witness-a", "— cosignature/v1 original\n");

        Assert.True(await attestations.AddAttestationAsync(original));
        Assert.False(await attestations.AddAttestationAsync(original));
        Assert.False(await attestations.AddAttestationAsync(Attestation(7, "witness-a", "— cosignature/v1 replacement\n")));
        Assert.True(await attestations.AddAttestationAsync(Attestation(7, "witness-a", "token", CheckpointAttestationKind.Timestamp)));

        IReadOnlyList<CheckpointAttestation> read = await attestations.ReadAttestationsAsync(7);
        Assert.Equal(2, read.Count);
        AssertSame(original, read[0]);
    }

    /// <summary>A malformed attestation is refused with the field named, and nothing is stored.</summary>
    [StoreTheory]
    [InlineData(-1, "w", "v", "TreeSize")]
    [InlineData(1, "", "v", "Source")]
    [InlineData(1, "w", "", "Value")]
    public async Task AddAttestationAsync_Malformed_RefusedNamingTheField(long size, string source, string value, string field)
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        var attestations = (ICheckpointAttestationStore)store;

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => attestations.AddAttestationAsync(Attestation(size, source, value)).AsTask());

        Assert.Contains("CheckpointAttestation." + field, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await attestations.ReadAttestationsAsync(size));
    }

    private static CheckpointAttestation Attestation(long size, string source, string value, CheckpointAttestationKind kind = CheckpointAttestationKind.Cosignature) =>
        new(size, Sha256Hash.Compute(Encoding.UTF8.GetBytes("root " + size)), kind, source, Encoding.UTF8.GetBytes(value), AttestedAt.AddSeconds(size));

    private static void AssertSame(CheckpointAttestation expected, CheckpointAttestation actual)
    {
        Assert.Equal(expected.TreeSize, actual.TreeSize);
        Assert.Equal(expected.RootHash, actual.RootHash);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Value.ToArray(), actual.Value.ToArray());
        Assert.Equal(expected.ObtainedAt, actual.ObtainedAt);
    }
}
