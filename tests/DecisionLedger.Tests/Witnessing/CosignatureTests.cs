using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

public sealed class CosignatureTests
{
    private const string Body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    private static readonly DateTimeOffset s_time = DateTimeOffset.FromUnixTimeSeconds(1679315147);

    [Fact]
    public void SignedMessage_IsTheSpecExample()
    {
        string message = Encoding.UTF8.GetString(CosignatureMessage.Build(Body, 1679315147));

        Assert.Equal("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", message);
    }

    [Fact]
    public void Cosign_ThenVerify_ReturnsTheTimestamp()
    {
        WitnessSigner signer = WitnessFixture.Witness(1);
        NoteSignature line = SignedNoteFormat.Parse(Body + "\n" + signer.Cosign(Body, s_time)).Signatures[0];

        Assert.True(signer.Verifier.Verify(Body, line, out DateTimeOffset timestamp));
        Assert.Equal(s_time, timestamp);
        Assert.Equal(72, line.Signature.Length);
    }

    [Fact]
    public void Verify_OverAnotherCheckpoint_ReturnsFalse()
    {
        WitnessSigner signer = WitnessFixture.Witness(1);
        NoteSignature line = SignedNoteFormat.Parse(Body + "\n" + signer.Cosign(Body, s_time)).Signatures[0];

        Assert.False(signer.Verifier.Verify(Body.Replace("20852163", "20852164", StringComparison.Ordinal), line, out _));
    }

    [Fact]
    public void Verify_TimestampEdited_ReturnsFalse()
    {
        WitnessSigner signer = WitnessFixture.Witness(1);
        NoteSignature line = SignedNoteFormat.Parse(Body + "\n" + signer.Cosign(Body, s_time)).Signatures[0];
        line.Signature[7] ^= 1;

        Assert.False(signer.Verifier.Verify(Body, line, out _));
    }

    [Fact]
    public void KeyId_IsComputedWithSignatureType4()
    {
        WitnessSigner signer = WitnessFixture.Witness(1);
        byte[] typed = Convert.FromBase64String(signer.VerifierKey.Split('+', 3)[2]);
        byte[] digest = Sha256Hash.Compute([.. Encoding.UTF8.GetBytes(signer.Name + "\n"), .. typed]).ToArray();

        Assert.Equal(0x04, typed[0]);
        Assert.Equal(Convert.ToHexStringLower(digest.AsSpan(0, 4)), signer.VerifierKey.Split('+')[1]);
    }

    [Fact]
    public void Parse_LogKeyOfType1_ThrowsNamingTheType()
    {
        var logKey = Ed25519NoteSigner.Generate("log.example", new DecisionLedger.Randomness.SeededRandomSource(1));

        var e = Assert.Throws<FormatException>(() => CosignatureVerifier.Parse(logKey.VerifierKey));

        Assert.Contains("0x01", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x04", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignerKey_RoundTrips_AndVerifierKeyParses()
    {
        WitnessSigner signer = WitnessFixture.Witness(5);

        Assert.Equal(signer.VerifierKey, WitnessSigner.Parse(signer.SignerKey).VerifierKey);
        Assert.Equal(signer.VerifierKey, CosignatureVerifier.Parse(signer.VerifierKey).VerifierKey);
        Assert.DoesNotContain(signer.SignerKey, signer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WitnessSignerParse_LedgerSignerKey_Throws()
    {
        var logKey = Ed25519NoteSigner.Generate("log.example", new DecisionLedger.Randomness.SeededRandomSource(1));

        var e = Assert.Throws<FormatException>(() => WitnessSigner.Parse(logKey.SignerKey));

        Assert.Contains("0x04", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cosign_AtTheEpoch_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WitnessFixture.Witness(1).Cosign(Body, DateTimeOffset.UnixEpoch));
    }
}
