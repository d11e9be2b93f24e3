using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

/// <summary>
/// The incremental heads map (cached child hashes, lifts, sibling leaf hashes carried into new branches) against the
/// literal rules of docs/format.md section 10 (<see cref="NaiveHeadsMap"/>), over random batches of inserts and
/// updates whose key hashes are drawn to share long prefixes: one-sided runs, splits above existing branches and
/// leaves moved under new branches happen in every batch, not once in a million keys as with real SHA-256 keys.
/// </summary>
public sealed class HeadsTrieEquivalenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ComputeRoot_RandomBatchesOfClusteredKeys_EqualsTheLiteralRules(int seed)
    {
        var random = new Random(seed);
        var contents = new Dictionary<KeyBits, (byte[] Hash, ChainHead Head)>();
        var keys = new List<KeyBits>();
        var map = new HeadsMap();
        long seq = 0;
        for (int batch = 0; batch < 60; batch++)
        {
            int size = random.Next(0, 40);
            for (int i = 0; i < size; i++)
            {
                // A third updates an existing key (sometimes twice in one batch), the rest are new keys.
                byte[] hash = keys.Count > 0 && random.Next(3) == 0 ? contents[keys[random.Next(keys.Count)]].Hash : ClusteredHash(random, contents.Values);
                KeyBits key = KeyBits.From(Sha256Hash.FromBytes(hash));
                int index = map.IndexOf(key);
                ChainHead head = new(seq++, index < 0 ? 1 : map.HeadAt(index).Count + 1);
                if (index < 0)
                {
                    keys.Add(key);
                }

                contents[key] = (hash, head);
                map.SetAt(index, key, head);
            }

            Sha256Hash root = map.ComputeRoot();
            Assert.Equal(NaiveHeadsMap.Root(contents.Values.Select(v => (v.Hash, v.Head.Last, v.Head.Count))), root);
            Assert.Equal(contents.Count, map.Count);

            // Proofs read the cached child hashes: every key's, and an absent key's, must lead to the root.
            foreach ((byte[] hash, ChainHead _) in contents.Values.Take(25))
            {
                Assert.Equal(root, NaiveHeadsMap.RootFromProof(hash, map.Prove(KeyBits.From(Sha256Hash.FromBytes(hash)))));
            }

            byte[] absent = ClusteredHash(random, contents.Values);
            MapProof absence = map.Prove(KeyBits.From(Sha256Hash.FromBytes(absent)));
            Assert.Equal(root, NaiveHeadsMap.RootFromProof(absent, absence));
            Assert.False(absence.Terminal is MapLeaf t && t.KeyHash == Sha256Hash.FromBytes(absent));
        }

        Assert.True(contents.Count > 600);
    }

    [Fact]
    public void Build_ThenIncrementalBatches_EqualsTheLiteralRules()
    {
        var random = new Random(1414);
        Dictionary<string, ChainHead> contents = HeadsTestData.Contents(3_000, 1414);
        HeadsMap map = HeadsMap.Build(contents.Select(p => (p.Key, p.Value)));
        Assert.Equal(NaiveHeadsMap.Root(contents), map.ComputeRoot());
        string[] existing = [.. contents.Keys];
        for (int batch = 0; batch < 5; batch++)
        {
            for (int i = 0; i < 200; i++)
            {
                string key = random.Next(2) == 0 ? existing[random.Next(existing.Length)] : HeadsTestData.SubjectKey(random);
                ChainHead head = HeadsTestData.Head(random);
                contents[key] = head;
                map.Set(key, head);
            }

            Assert.Equal(NaiveHeadsMap.Root(contents), map.ComputeRoot());
        }
    }

    [Fact]
    public void ComputeRoot_NewKeysInsertedInKeyOrder_LargeThenSmallBatchesEqualTheLiteralRulesAndBuild()
    {
        // ComputeRoot sorts each batch's new keys into scratch arrays it keeps: a large batch, then smaller ones (stale
        // entries past the batch's count), then one key, then none, must all give the root of the same keys built at once.
        var random = new Random(77);
        var contents = new Dictionary<string, ChainHead>();
        var map = new HeadsMap();
        foreach (int size in (int[])[1_500, 40, 700, 1, 0, 2, 300])
        {
            for (int i = 0; i < size; i++)
            {
                string key = HeadsTestData.SubjectKey(random);
                ChainHead head = HeadsTestData.Head(random);
                contents[key] = head;
                map.Set(key, head);
            }

            Sha256Hash root = map.ComputeRoot();
            Assert.Equal(NaiveHeadsMap.Root(contents), root);
            Assert.Equal(HeadsMap.Build(contents.Select(p => (p.Key, p.Value))).ComputeRoot(), root);
            foreach (string key in contents.Keys.Take(20))
            {
                Assert.Equal(root, NaiveHeadsMap.RootFromProof(key, map.Prove(key)));
            }
        }
    }

    // 32 random bytes, or an existing key hash's first 1…255 bits followed by random ones (the bit after the prefix
    // flipped, so the new key parts from it exactly there), which puts long shared prefixes all over the trie.
    private static byte[] ClusteredHash(Random random, IEnumerable<(byte[] Hash, ChainHead Head)> existing)
    {
        byte[] hash = new byte[32];
        random.NextBytes(hash);
        (byte[] Hash, ChainHead Head)[] pool = existing as (byte[], ChainHead)[] ?? [.. existing];
        if (pool.Length == 0 || random.Next(4) == 0)
        {
            return hash;
        }

        byte[] near = pool[random.Next(pool.Length)].Hash;
        int shared = random.Next(2) == 0 ? random.Next(1, 24) : random.Next(1, 256);
        for (int bit = 0; bit <= shared && bit < 256; bit++)
        {
            int value = NaiveHeadsMap.Bit(near, bit) ^ (bit == shared ? 1 : 0);
            hash[bit / 8] = (byte)((hash[bit / 8] & ~(0x80 >> (bit % 8))) | (value << (7 - (bit % 8))));
        }

        return hash;
    }
}
