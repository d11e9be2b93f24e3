using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Tests.Docs;

namespace DecisionLedger.Tests.Heads;

/// <summary>
/// Keeps the worked example of docs/format.md section 10 ("The heads map") true: every value it
/// prints is produced here by the real <see cref="HeadsMap"/>, checked against the naive reading of
/// the rules, and must appear in that section verbatim.
/// </summary>
public sealed class HeadsMapDocExampleTests
{
    // Refs: base64url (no padding) of the bytes 00…0f, 10…1f and, absent from the map, 20…2f.
    private const string RefA = "AAECAwQFBgcICQoLDA0ODw";
    private const string RefB = "EBESExQVFhcYGRobHB0eHw";
    private const string RefAbsent = "ICEiIyQlJicoKSorLC0uLw";

    // The ledger of the example: seq 0 subject A, seq 1 subject B, seq 2 subject A, all three by
    // model fraud_detector; the heads entry at seq 3 commits to this map.
    private static readonly (string Key, ChainHead Head)[] s_contents =
    [
        (ChainKeys.Model("fraud_detector"), new ChainHead(2, 3)),
        (ChainKeys.Subject(RefA), new ChainHead(2, 2)),
        (ChainKeys.Subject(RefB), new ChainHead(1, 1)),
    ];

    [Fact]
    public void WorkedExample_GeneratedByRealCode_AppearsVerbatimInFormatDocSection10()
    {
        var map = new HeadsMap();
        foreach ((string key, ChainHead head) in s_contents)
        {
            map.Set(key, head);
        }

        Sha256Hash root = map.ComputeRoot();
        Assert.Equal(NaiveHeadsMap.Root(s_contents.ToDictionary(c => c.Key, c => c.Head)), root);
        Assert.Equal(root, HeadsMap.Build(s_contents).ComputeRoot());
        MapProof member = map.Prove(ChainKeys.Subject(RefA));
        MapProof absent = map.Prove(ChainKeys.Subject(RefAbsent));
        Assert.Equal(new ChainHead(2, 2), MapProofVerifier.Verify(root, ChainKeys.Subject(RefA), member));
        Assert.Null(MapProofVerifier.Verify(root, ChainKeys.Subject(RefAbsent), absent));

        var values = new List<(string Name, string Value)>();
        foreach ((string key, ChainHead head) in s_contents.Append((ChainKeys.Subject(RefAbsent), default)))
        {
            Sha256Hash keyHash = HeadsMapHasher.KeyHash(key);
            values.Add(($"keyHash of {key}", $"`{keyHash.ToHex()}`"));
            values.Add(($"first bits of {key}", $"`{FirstBits(keyHash, 8)}`"));
            if (head.Count > 0)
            {
                values.Add(($"leaf hash of {key}", $"`{HeadsMapHasher.LeafHash(keyHash, head.Last, head.Count).ToHex()}`"));
            }
        }

        values.Add(("root (hex)", $"`{root.ToHex()}`"));
        values.Add(("root (base64)", $"`{root.ToBase64()}`"));
        values.Add(("membership proof of s:" + RefA, MapProofJson.ToJson(member)));
        values.Add(("absence proof of s:" + RefAbsent, MapProofJson.ToJson(absent)));

        string doc = RepositoryDocs.Read("docs/format.md");
        int start = doc.IndexOf("## 10. The heads map (entry v2)", StringComparison.Ordinal);
        int end = doc.IndexOf("## Worked example", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/format.md needs the section \"## 10. The heads map (entry v2)\" just before \"## Worked example\".");
        string section = doc[start..end];
        string[] missing = [.. values.Where(v => !section.Contains(v.Value, StringComparison.Ordinal)).Select(v => $"{v.Name}:\n{v.Value}")];
        Assert.True(missing.Length == 0, "docs/format.md section 10 no longer shows what the code produces; paste these values into its example:\n\n" + string.Join("\n\n", missing));
    }

    private static string FirstBits(Sha256Hash keyHash, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => HeadsMapHasher.Bit(keyHash, i) == 0 ? '0' : '1'));
}
