using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

public sealed class MapProofTests
{
    private static readonly Dictionary<string, ChainHead> s_contents = HeadsTestData.Contents(3000, 77);
    private static readonly HeadsMap s_map = HeadsTestData.Filled(s_contents);
    private static readonly Sha256Hash s_root = s_map.ComputeRoot();

    [Fact]
    public void Prove_EveryKey_VerifiesAndYieldsItsHead()
    {
        foreach ((string key, ChainHead head) in s_contents)
        {
            MapProof proof = s_map.Prove(key);

            Assert.Equal(head, MapProofVerifier.Verify(s_root, key, proof));
            Assert.Equal(s_root, NaiveHeadsMap.RootFromProof(key, proof));
        }
    }

    [Fact]
    public void Prove_MissingKeys_VerifyAsAbsence_WithBothKindsOfTerminal()
    {
        var random = new Random(4);
        int empty = 0, otherLeaf = 0;
        for (int i = 0; i < 2000; i++)
        {
            string key = HeadsTestData.SubjectKey(random);
            MapProof proof = s_map.Prove(key);

            Assert.Null(MapProofVerifier.Verify(s_root, key, proof));
            Assert.Equal(s_root, NaiveHeadsMap.RootFromProof(key, proof));
            _ = proof.Terminal is null ? empty++ : otherLeaf++;
        }

        Assert.True(empty > 100 && otherLeaf > 100, $"empty terminals {empty}, other-leaf terminals {otherLeaf}");
    }

    [Fact]
    public void Prove_EmptyAndSingleKeyMaps_AreTheDegenerateCases()
    {
        var map = new HeadsMap();
        MapProof none = map.Prove("s:x");
        Assert.Empty(none.Siblings);
        Assert.Null(none.Terminal);
        Assert.Null(MapProofVerifier.Verify(map.ComputeRoot(), "s:x", none));

        map.Set("s:x", new ChainHead(0, 1));
        Assert.Equal(new ChainHead(0, 1), MapProofVerifier.Verify(map.ComputeRoot(), "s:x", map.Prove("s:x")));
        MapProof absent = map.Prove("s:y");
        Assert.Empty(absent.Siblings);
        Assert.Null(MapProofVerifier.Verify(map.ComputeRoot(), "s:y", absent));
    }

    [Fact]
    public void Prove_PendingSets_AreApplied()
    {
        HeadsMap map = HeadsTestData.Filled(HeadsTestData.Contents(50, 9));
        map.Set("s:late", new ChainHead(99, 1));

        MapProof proof = map.Prove("s:late");

        Assert.Equal(new ChainHead(99, 1), MapProofVerifier.Verify(map.ComputeRoot(), "s:late", proof));
    }

    [Fact]
    public void Verify_ChangedSibling_Throws()
    {
        (string key, MapProof proof) = MemberWithDepth(3);
        var siblings = proof.Siblings.ToArray();
        siblings[1] = Sha256Hash.Compute([1, 2, 3]);

        var error = Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Siblings = siblings }));
        Assert.Contains("not to the expected root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WrongTerminalHead_Throws()
    {
        (string key, MapProof proof) = MemberWithDepth(1);
        MapLeaf leaf = proof.Terminal!.Value;

        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Terminal = leaf with { Last = leaf.Last + 1 } }));
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Terminal = leaf with { Count = leaf.Count + 1 } }));
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Terminal = null }));
    }

    [Fact]
    public void Verify_SwappedLastAndCount_Throws()
    {
        (string key, MapProof proof) = MemberWithDepth(1);
        MapLeaf leaf = proof.Terminal!.Value;
        Assert.NotEqual(leaf.Last, leaf.Count);

        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Terminal = new MapLeaf(leaf.KeyHash, leaf.Count, leaf.Last) }));
    }

    [Fact]
    public void Verify_TruncatedOrExtendedSiblings_Throws()
    {
        (string key, MapProof proof) = MemberWithDepth(2);

        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Siblings = proof.Siblings.Take(proof.Siblings.Count - 1).ToArray() }));
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Siblings = [.. proof.Siblings, HeadsMapHasher.Empty] }));
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Siblings = [HeadsMapHasher.Empty, .. proof.Siblings] }));
        var tooDeep = Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Siblings = Enumerable.Repeat(HeadsMapHasher.Empty, 257).ToArray() }));
        Assert.Contains("257 siblings", tooDeep.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ProofOfAnotherPresentKey_Throws()
    {
        string[] keys = [.. s_contents.Keys.Take(50)];
        for (int i = 1; i < keys.Length; i++)
        {
            MapProof proof = s_map.Prove(keys[i - 1]);
            Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, keys[i], proof));
        }
    }

    [Fact]
    public void Verify_OtherLeafTerminalOffThePath_ThrowsNamingThePrefix()
    {
        var random = new Random(11);
        string missing;
        MapProof proof;
        do
        {
            missing = HeadsTestData.SubjectKey(random);
            proof = s_map.Prove(missing);
        }
        while (proof.Terminal is null || proof.Siblings.Count == 0);

        // Any other present leaf is almost surely off the path; the verifier must refuse it as absence.
        string other = s_contents.Keys.First(k => NaiveHeadsMap.Bit(NaiveHeadsMap.KeyHash(k), 0) != NaiveHeadsMap.Bit(NaiveHeadsMap.KeyHash(missing), 0));
        var forged = proof with { Terminal = new MapLeaf(HeadsMapHasher.KeyHash(other), s_contents[other].Last, s_contents[other].Count) };

        var error = Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, missing, forged));
        Assert.Contains("does not share the first", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AbsenceClaimedForPresentKey_Throws()
    {
        (string key, MapProof proof) = MemberWithDepth(2);

        // An "empty subtree" where the key's leaf is: same siblings, terminal null.
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_root, key, proof with { Terminal = null }));
        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(s_map.ComputeRoot(), key, new MapProof([], null)));
    }

    [Fact]
    public void Verify_StaleRoot_Throws()
    {
        HeadsMap map = HeadsTestData.Filled(HeadsTestData.Contents(200, 12));
        string key = "m:model-0";
        MapProof old = map.Prove(key);
        map.Set(key, new ChainHead(1_000_000, 1_000));
        Sha256Hash newRoot = map.ComputeRoot();

        Assert.Throws<MapProofException>(() => MapProofVerifier.Verify(newRoot, key, old));
    }

    private static (string Key, MapProof Proof) MemberWithDepth(int minimumDepth)
    {
        foreach (string key in s_contents.Keys)
        {
            MapProof proof = s_map.Prove(key);
            if (proof.Siblings.Count >= minimumDepth && proof.Terminal!.Value.Last != proof.Terminal.Value.Count)
            {
                return (key, proof);
            }
        }

        throw new InvalidOperationException("no key deep enough");
    }
}
