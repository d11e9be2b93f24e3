using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;

namespace DecisionLedger.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private const string Root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    [Fact]
    public void ToBody_WritesOriginSizeAndRootEachEndingInNewline()
    {
        var checkpoint = new Checkpoint("example.com/behind-the-sofa", 20852163, Sha256Hash.FromBase64(Root));

        Assert.Equal("example.com/behind-the-sofa\n20852163\n" + Root + "\n", checkpoint.ToBody());
    }

    [Fact]
    public void ParseBody_SpecExample_RoundTrips()
    {
        const string body = "example.com/behind-the-sofa\n20852163\n" + Root + "\n";

        Checkpoint checkpoint = Checkpoint.ParseBody(body);

        Assert.Equal("example.com/behind-the-sofa", checkpoint.Origin);
        Assert.Equal(20852163, checkpoint.Size);
        Assert.Equal(Root, checkpoint.RootHash.ToBase64());
        Assert.Empty(checkpoint.Extensions);
        Assert.Equal(body, checkpoint.ToBody());
    }

    [Fact]
    public void ParseBody_WithExtensions_RoundTripsAndComparesByValue()
    {
        var checkpoint = new Checkpoint("log.example", 0, MerkleHasher.EmptyRoot) { Extensions = ["ext one", "ext two"] };

        Checkpoint parsed = Checkpoint.ParseBody(checkpoint.ToBody());

        Assert.Equal(["ext one", "ext two"], parsed.Extensions);
        Assert.Equal(checkpoint, parsed);
        Assert.Equal(checkpoint.GetHashCode(), parsed.GetHashCode());
        Assert.NotEqual(checkpoint, parsed with { Extensions = ["ext one"] });
        Assert.NotEqual(checkpoint, parsed with { Size = 1 });
    }

    [Theory]
    [InlineData("log.example\n1\n" + Root, "end in a newline")]
    [InlineData("", "end in a newline")]
    [InlineData("log.example\n1\n", "at least three lines")]
    [InlineData("\n1\n" + Root + "\n", "origin (line 1) is invalid: it is empty")]
    [InlineData("log.example\n01\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n+1\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n-1\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n 1\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n1.0\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n9223372036854775808\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n\n" + Root + "\n", "not a canonical decimal")]
    [InlineData("log.example\n1\nAAAA\n", "32 bytes")]
    [InlineData("log.example\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "32 bytes")]
    [InlineData("log.example\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "canonical standard base64")]
    [InlineData("log.example\n1\n" + Root + "\n\n", "extension line 1 (line 4) is invalid: it is empty")]
    [InlineData("log.example\r\n1\n" + Root + "\n", "control character U+000D")]
    public void ParseBody_MalformedBody_ThrowsFormatExceptionNamingTheField(string body, string expectedReason)
    {
        FormatException e = Assert.Throws<FormatException>(() => Checkpoint.ParseBody(body));

        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseBody_ZeroSize_IsAccepted()
    {
        Assert.Equal(0, Checkpoint.ParseBody("log.example\n0\n" + Root + "\n").Size);
    }

    [Fact]
    public void ToBody_InvalidFields_ThrowInvalidOperationException()
    {
        Sha256Hash root = Sha256Hash.FromBase64(Root);

        Assert.Throws<InvalidOperationException>(() => new Checkpoint("", 1, root).ToBody());
        Assert.Throws<InvalidOperationException>(() => new Checkpoint("a\nb", 1, root).ToBody());
        Assert.Throws<InvalidOperationException>(() => new Checkpoint("log.example", -1, root).ToBody());
        Assert.Throws<InvalidOperationException>(() => new Checkpoint("log.example", 1, root) { Extensions = [""] }.ToBody());
    }
}
