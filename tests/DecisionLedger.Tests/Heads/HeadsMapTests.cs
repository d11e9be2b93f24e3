using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

public sealed class HeadsMapTests
{
    [Fact]
    public void ComputeRoot_EmptyMap_IsThirtyTwoZeroBytes()
    {
        Assert.Equal(new byte[32], new HeadsMap().ComputeRoot().ToArray());
        Assert.Equal(new byte[32], HeadsMap.Build([]).ComputeRoot().ToArray());
    }

    [Fact]
    public void ComputeRoot_OneKey_IsItsLeafHash()
    {
        var map = new HeadsMap();
        map.Set("s:AAAAAAAAAAAAAAAAAAAAAA", new ChainHead(7, 3));

        byte[] expected = NaiveHeadsMap.LeafHash(NaiveHeadsMap.KeyHash("s:AAAAAAAAAAAAAAAAAAAAAA"), 7, 3);
        Assert.Equal(expected, map.ComputeRoot().ToArray());
    }

    [Fact]
    public void ComputeRoot_TwoKeysSharingALongPrefix_HashesEveryLevelDownToTheSplit()
    {
        (string a, string b) = HeadsTestData.KeysSharingPrefix(20);
        byte[] hashA = NaiveHeadsMap.KeyHash(a);
        byte[] hashB = NaiveHeadsMap.KeyHash(b);
        int split = Enumerable.Range(0, 256).First(i => NaiveHeadsMap.Bit(hashA, i) != NaiveHeadsMap.Bit(hashB, i));
        Assert.True(split >= 20);

        // By hand: the two leaves meet at the split, then one one-sided node per level up to the root.
        byte[] leafA = NaiveHeadsMap.LeafHash(hashA, 1, 1);
        byte[] leafB = NaiveHeadsMap.LeafHash(hashB, 2, 1);
        byte[] h = NaiveHeadsMap.Bit(hashA, split) == 0 ? NaiveHeadsMap.Node(leafA, leafB) : NaiveHeadsMap.Node(leafB, leafA);
        for (int d = split - 1; d >= 0; d--)
        {
            h = NaiveHeadsMap.Bit(hashA, d) == 0 ? NaiveHeadsMap.Node(h, new byte[32]) : NaiveHeadsMap.Node(new byte[32], h);
        }

        var map = new HeadsMap();
        map.Set(a, new ChainHead(1, 1));
        map.Set(b, new ChainHead(2, 1));

        Assert.Equal(h, map.ComputeRoot().ToArray());
        Assert.Equal(h, HeadsMap.Build([(b, new ChainHead(2, 1)), (a, new ChainHead(1, 1))]).ComputeRoot().ToArray());
    }

    [Fact]
    public void ComputeRoot_ManyBatches_EqualsNaiveRebuildAndBuild()
    {
        var random = new Random(1403);
        var contents = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        var keys = new List<string>();
        var map = new HeadsMap();
        long seq = 0;
        for (int batch = 0; batch < 40; batch++)
        {
            int size = random.Next(0, 60);
            for (int i = 0; i < size; i++)
            {
                // Mostly new keys, some updates of existing ones, sometimes the same key twice in a batch.
                string key = keys.Count > 0 && random.Next(3) == 0 ? keys[random.Next(keys.Count)] : HeadsTestData.SubjectKey(random);
                if (!contents.ContainsKey(key))
                {
                    keys.Add(key);
                }

                var head = new ChainHead(seq++, contents.TryGetValue(key, out ChainHead old) ? old.Count + 1 : 1);
                contents[key] = head;
                map.Set(key, head);
                Assert.True(map.TryGet(key, out ChainHead seen));
                Assert.Equal(head, seen);
            }

            Sha256Hash root = map.ComputeRoot();
            Assert.Equal(NaiveHeadsMap.Root(contents), root);
            Assert.Equal(root, HeadsMap.Build(contents.Select(p => (p.Key, p.Value))).ComputeRoot());
            Assert.Equal(contents.Count, map.Count);
        }

        Assert.True(contents.Count > 500);
    }

    [Fact]
    public void TryGet_SeesSetBeforeComputeRoot_AndMissingKeysAreAbsent()
    {
        var map = HeadsMap.Build([("m:fraud", new ChainHead(4, 2))]);
        map.Set("s:new", new ChainHead(9, 1));
        map.Set("m:fraud", new ChainHead(9, 3));

        Assert.True(map.TryGet("s:new", out ChainHead added));
        Assert.Equal(new ChainHead(9, 1), added);
        Assert.True(map.TryGet("m:fraud", out ChainHead updated));
        Assert.Equal(new ChainHead(9, 3), updated);
        Assert.False(map.TryGet("s:other", out ChainHead missing));
        Assert.Equal(default, missing);
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void ComputeRoot_NothingChanged_ReturnsTheSameRoot()
    {
        HeadsMap map = HeadsTestData.Filled(HeadsTestData.Contents(100, 5));
        Sha256Hash first = map.ComputeRoot();
        map.Set("m:model-0", map.TryGet("m:model-0", out ChainHead head) ? head : default);

        Assert.Equal(first, map.ComputeRoot());
    }

    [Theory]
    [InlineData(-1, 1, "Last")]
    [InlineData(0, 0, "Count")]
    public void Set_HeadOutOfRange_ThrowsNamingTheField(long last, long count, string field)
    {
        var map = new HeadsMap();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => map.Set("s:x", new ChainHead(last, count)));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, map.Count);
    }

    [Fact]
    public void Build_DuplicateKey_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => HeadsMap.Build([("s:dup", new ChainHead(1, 1)), ("m:a", new ChainHead(2, 1)), ("s:dup", new ChainHead(3, 2))]));
        Assert.Contains("'s:dup'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChainKeys_PrefixTheRefAndTheModelName()
    {
        Assert.Equal("s:q83vEjRWeJCrze8SNFZ4kA", ChainKeys.Subject("q83vEjRWeJCrze8SNFZ4kA"));
        Assert.Equal("m:fraud_detector", ChainKeys.Model("fraud_detector"));
        Assert.Throws<ArgumentException>(() => ChainKeys.Subject(""));
    }
}
