using DecisionLedger.Hashing;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

public sealed class AddCheckpointRequestTests
{
    private const string SpecExample = """
        old 20852014
        PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
        jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
        5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
        /6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

        example.com/behind-the-sofa
        20852163
        CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

        — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=

        """;

    [Fact]
    public void Parse_SpecExample_ReadsOldSizeProofAndNote_AndWritesItBack()
    {
        string body = SpecExample.ReplaceLineEndings("\n");

        AddCheckpointRequest request = AddCheckpointRequest.Parse(body);

        Assert.Equal(20852014, request.OldSize);
        Assert.Equal(4, request.ConsistencyProof.Count);
        Assert.Equal(Sha256Hash.FromBase64("/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0="), request.ConsistencyProof[3]);
        Assert.StartsWith("example.com/behind-the-sofa\n20852163\n", request.CheckpointNote, StringComparison.Ordinal);
        Assert.Equal(body, request.ToBody());
    }

    [Theory]
    [InlineData("old 007\n\nx\n", "Line 1")]
    [InlineData("old -1\n\nx\n", "Line 1")]
    [InlineData("new 5\n\nx\n", "Line 1")]
    [InlineData("old 5", "Line 1")]
    [InlineData("old 5\nnot-base64\n\nx\n", "Line 2")]
    [InlineData("old 5\nAAAA\n\nx\n", "Line 2")]
    [InlineData("old 5\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n", "Line 3")]
    [InlineData("old 0\n\n", "Line 3")]
    public void Parse_Malformed_ThrowsNamingTheLine(string body, string line)
    {
        var e = Assert.Throws<FormatException>(() => AddCheckpointRequest.Parse(body));

        Assert.StartsWith(line, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_64ProofLines_Throws()
    {
        string proof = string.Concat(Enumerable.Repeat("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n", 64));

        var e = Assert.Throws<FormatException>(() => AddCheckpointRequest.Parse("old 5\n" + proof + "\nx\n"));

        Assert.Contains("Line 65", e.Message, StringComparison.Ordinal);
        Assert.Contains("63", e.Message, StringComparison.Ordinal);
    }
}
