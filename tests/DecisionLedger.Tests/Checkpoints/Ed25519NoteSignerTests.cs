using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Checkpoints;

public sealed class Ed25519NoteSignerTests
{
    [Fact]
    public void Parse_GoExampleSignerKey_DerivesTheGoVerifierKeyAndRoundTrips()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Parse(GoVectors.PeterSignerKey);

        Assert.Equal("PeterNeumann", signer.Name);
        Assert.Equal(GoVectors.PeterKeyId, signer.KeyId);
        Assert.Equal(GoVectors.PeterVerifierKey, signer.VerifierKey);
        Assert.Equal(GoVectors.PeterSignerKey, signer.SignerKey);
    }

    [Fact]
    public void Generate_SameSeed_GivesSameKeyAndKeyStringsRoundTrip()
    {
        Ed25519NoteSigner first = Ed25519NoteSigner.Generate("decisionledger.example/fraud", new SeededRandomSource(42));
        Ed25519NoteSigner second = Ed25519NoteSigner.Generate("decisionledger.example/fraud", new SeededRandomSource(42));
        Ed25519NoteSigner other = Ed25519NoteSigner.Generate("decisionledger.example/fraud", new SeededRandomSource(43));

        Assert.Equal(first.SignerKey, second.SignerKey);
        Assert.NotEqual(first.VerifierKey, other.VerifierKey);
        Assert.StartsWith("decisionledger.example/fraud+", first.VerifierKey, StringComparison.Ordinal);
        Assert.Equal(first.VerifierKey, Ed25519NoteSigner.Parse(first.SignerKey).VerifierKey);
        Assert.Equal(first.KeyId, NoteVerifier.Parse(first.VerifierKey).KeyId);
    }

    [Fact]
    public void Sign_VerifiesWithOwnVerifierOnly()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate("log.example", new SeededRandomSource(1));
        Ed25519NoteSigner stranger = Ed25519NoteSigner.Generate("log.example", new SeededRandomSource(2));
        byte[] message = Encoding.UTF8.GetBytes("hi\n");

        byte[] signature = signer.Sign(message);

        Assert.Equal(64, signature.Length);
        Assert.True(signer.Verifier.Verify(message, signature));
        Assert.False(stranger.Verifier.Verify(message, signature));
    }

    [Fact]
    public void ToString_DoesNotRevealThePrivateKey()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Parse(GoVectors.PeterSignerKey);

        Assert.DoesNotContain("AYEKFALV", signer.ToString(), StringComparison.Ordinal);
        Assert.Contains("c74f20a3", signer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "starts with 'PRIVATE+KEY+'")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3", "five '+'-separated fields")]
    [InlineData("PRIVATE+KEY++c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "is empty")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "8 hexadecimal digits")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "does not match the ID computed")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF", "not standard padded base64")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "algorithm 0x02")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUv", "must be 32")]
    public void Parse_MalformedKey_ThrowsFormatExceptionWithoutLeakingTheSecret(string signerKey, string expectedReason)
    {
        FormatException e = Assert.Throws<FormatException>(() => Ed25519NoteSigner.Parse(signerKey));

        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("FALVFGyN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_InvalidName_Throws()
    {
        Assert.Throws<ArgumentException>(() => Ed25519NoteSigner.Generate("two words", new SeededRandomSource(1)));
        Assert.Throws<ArgumentException>(() => Ed25519NoteSigner.Generate("a+b", new SeededRandomSource(1)));
    }
}
