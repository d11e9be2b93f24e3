using System.Text;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Hashing;

public sealed class InputCommitmentTests
{
    private static readonly JsonElement s_input = Parse("""{"amount": 1249.99, "merchant": "m-17", "country": "DE"}""");

    [Fact]
    public void Create_SeededSource_DigestIsSha256OfSaltThenCanonicalInput()
    {
        InputCommitment commitment = InputCommitment.Create(s_input, new SeededRandomSource(7));

        byte[] expectedSalt = new byte[16];
        new SeededRandomSource(7).Fill(expectedSalt);
        byte[] preimage = [.. expectedSalt, .. Encoding.UTF8.GetBytes("""{"amount":1249.99,"country":"DE","merchant":"m-17"}""")];
        Assert.Equal(expectedSalt, commitment.Salt);
        Assert.Equal(Sha256Hash.Compute(preimage), commitment.Digest);
    }

    [Fact]
    public void Matches_SameInputDifferentSpelling_IsTrue()
    {
        InputCommitment commitment = InputCommitment.Create(s_input, new SeededRandomSource(1));

        Assert.True(commitment.Matches(Parse("""{ "country":"DE", "merchant":"m-17", "amount":1249.990 }""")));
    }

    [Fact]
    public void Matches_ChangedInputOrSalt_IsFalse()
    {
        InputCommitment commitment = InputCommitment.Create(s_input, new SeededRandomSource(1));
        byte[] otherSalt = (byte[])commitment.Salt.Clone();
        otherSalt[0] ^= 1;

        Assert.False(commitment.Matches(Parse("""{"amount":1249.98,"merchant":"m-17","country":"DE"}""")));
        Assert.False(InputCommitment.Matches(otherSalt, s_input, commitment.Digest));
    }

    [Fact]
    public void Create_TwoCalls_UseFreshSalts()
    {
        var random = new SeededRandomSource(3);

        Assert.NotEqual(InputCommitment.Create(s_input, random).Digest, InputCommitment.Create(s_input, random).Digest);
    }

    [Fact]
    public void ComputeDigest_WrongSaltLength_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => InputCommitment.ComputeDigest(new byte[15], s_input));
        Assert.Contains("16 bytes", ex.Message, StringComparison.Ordinal);
    }

    private static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
