using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

public sealed class MapProofJsonTests
{
    private const string Zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public void ToJson_ThenParse_RoundTripsMembershipAndAbsence()
    {
        HeadsMap map = HeadsTestData.Filled(HeadsTestData.Contents(300, 21));
        foreach (string key in new[] { "m:model-0", "s:absent-1", "s:absent-2", "s:absent-3" })
        {
            MapProof proof = map.Prove(key);
            string json = MapProofJson.ToJson(proof);
            MapProof read = MapProofJson.Parse(json);

            Assert.Equal(proof.Siblings, read.Siblings);
            Assert.Equal(proof.Terminal, read.Terminal);
            Assert.Equal(json, MapProofJson.ToJson(read));
            Assert.Equal(MapProofVerifier.Verify(map.ComputeRoot(), key, proof), MapProofVerifier.Verify(map.ComputeRoot(), key, read));
        }
    }

    [Fact]
    public void ToJson_HasTheDocumentedShape()
    {
        var proof = new MapProof([default], new MapLeaf(default, 5, 2));

        Assert.Equal($$$"""{"siblings":["{{{Zero}}}"],"terminal":{"keyHash":"{{{Zero}}}","last":5,"count":2}}""", MapProofJson.ToJson(proof));
        Assert.Equal("""{"siblings":[],"terminal":null}""", MapProofJson.ToJson(new MapProof([], null)));
    }

    [Theory]
    [InlineData("[]", "proof: a map proof is a JSON object")]
    [InlineData("""{"terminal":null}""", "proof.siblings: required")]
    [InlineData("""{"siblings":{},"terminal":null}""", "proof.siblings: required")]
    [InlineData("""{"siblings":[]}""", "proof.terminal: required")]
    [InlineData("""{"siblings":[],"terminal":null,"extra":1}""", "proof.extra: unknown member")]
    [InlineData("""{"siblings":["AAAA"],"terminal":null}""", "proof.siblings[0]: 'AAAA' is not the standard base64 of 32 bytes")]
    [InlineData("""{"siblings":[7],"terminal":null}""", "proof.siblings[0]: must be a string")]
    [InlineData("""{"siblings":[],"terminal":"leaf"}""", "proof.terminal: null or an object")]
    [InlineData("""{"siblings":[],"terminal":{"last":1,"count":1}}""", "proof.terminal.keyHash: required")]
    [InlineData("""{"siblings":[],"terminal":{"keyHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","count":1}}""", "proof.terminal.last: required")]
    [InlineData("""{"siblings":[],"terminal":{"keyHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","last":-1,"count":1}}""", "proof.terminal.last: must be an integer ≥ 0; got -1")]
    [InlineData("""{"siblings":[],"terminal":{"keyHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","last":1,"count":0}}""", "proof.terminal.count: must be an integer ≥ 1; got 0")]
    [InlineData("""{"siblings":[],"terminal":{"keyHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","last":1.5,"count":1}}""", "proof.terminal.last: must be an integer")]
    [InlineData("""{"siblings":[],"terminal":{"keyHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","last":1,"count":1,"seq":3}}""", "proof.terminal.seq: unknown member")]
    [InlineData("""{"siblings":[""", "A map proof must be JSON")]
    public void Parse_BadInput_ThrowsNamingTheMember(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => MapProofJson.Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThan256Siblings_Throws()
    {
        string json = $$"""{"siblings":[{{string.Join(",", Enumerable.Repeat($"\"{Zero}\"", 257))}}],"terminal":null}""";

        var error = Assert.Throws<FormatException>(() => MapProofJson.Parse(json));
        Assert.Contains("proof.siblings: 257 entries", error.Message, StringComparison.Ordinal);
    }
}
