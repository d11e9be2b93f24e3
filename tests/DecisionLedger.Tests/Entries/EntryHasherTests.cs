using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Entries;

public sealed class EntryHasherTests
{
    [Fact]
    public void LeafHash_Entry_EqualsMerkleLeafOfCanonicalBytes()
    {
        LedgerEntry entry = SomeEntries.Full();

        Assert.Equal(MerkleHasher.HashLeaf(EntryCanonicalizer.ToCanonicalBytes(entry)), EntryHasher.LeafHash(entry));
    }

    [Fact]
    public void LeafHash_AnyFieldChanged_ChangesHash()
    {
        LedgerEntry entry = SomeEntries.Full();
        Sha256Hash original = EntryHasher.LeafHash(entry);

        Assert.NotEqual(original, EntryHasher.LeafHash(entry with { Seq = entry.Seq + 1 }));
        Assert.NotEqual(original, EntryHasher.LeafHash(entry with { LatencyMs = 23.6 }));
        Assert.NotEqual(original, EntryHasher.LeafHash(entry with { Actor = new Actor { UserId = "analyst_joe", Tenant = "emea" } }));
        Assert.NotEqual(original, EntryHasher.LeafHash(entry with { Redactions = [.. entry.Redactions.Take(1)] }));
        Assert.Equal(original, EntryHasher.LeafHash(entry with { }));
    }

    [Fact]
    public void LeafHash_AfterWarmUp_AllocatesNothing()
    {
        LedgerEntry entry = SomeEntries.Full();
        EntryHasher.LeafHash(entry);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            EntryHasher.LeafHash(entry);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
