using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Tests.Checkpoints;

public sealed class NoteVerifierTests
{
    [Fact]
    public void Parse_GoExampleKey_ReadsNameAndKeyIdAndRoundTrips()
    {
        NoteVerifier verifier = NoteVerifier.Parse(GoVectors.PeterVerifierKey);

        Assert.Equal("PeterNeumann", verifier.Name);
        Assert.Equal(GoVectors.PeterKeyId, verifier.KeyId);
        Assert.Equal(GoVectors.PeterVerifierKey, verifier.VerifierKey);
    }

    [Fact]
    public void KeyId_IsFirstFourBytesOfSha256OverNameNewlineAlgorithmAndKey()
    {
        byte[] typedKey = Convert.FromBase64String("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        byte[] input = [.. Encoding.UTF8.GetBytes("PeterNeumann"), 0x0A, .. typedKey];
        byte[] digest = SHA256.HashData(input);
        uint expected = (uint)((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]);

        NoteVerifier verifier = NoteVerifier.FromEd25519PublicKey("PeterNeumann", typedKey.AsSpan(1));

        Assert.Equal(0xc74f20a3u, expected);
        Assert.Equal(expected, verifier.KeyId);
        Assert.Equal(GoVectors.PeterVerifierKey, verifier.VerifierKey);
    }

    [Fact]
    public void Parse_UppercaseKeyId_IsAcceptedAsGoDoes()
    {
        NoteVerifier verifier = NoteVerifier.Parse(GoVectors.PeterVerifierKey.Replace("c74f20a3", "C74F20A3", StringComparison.Ordinal));

        Assert.Equal(GoVectors.PeterKeyId, verifier.KeyId);
    }

    [Theory]
    [InlineData("PeterNeumann", "three '+'-separated fields")]
    [InlineData("PeterNeumann+c74f20a3", "three '+'-separated fields")]
    [InlineData("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "is empty")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "space character")]
    [InlineData("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hexadecimal digits")]
    [InlineData("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hexadecimal digits")]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match the ID computed")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "not standard padded base64")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegw xbzhKqiBfsVkmqq/LDE4izWy10TW", "not standard padded base64")]
    [InlineData("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "algorithm 0x65")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "must be 32")]
    public void Parse_MalformedKey_ThrowsFormatExceptionNamingTheProblem(string vkey, string expectedReason)
    {
        FormatException e = Assert.Throws<FormatException>(() => NoteVerifier.Parse(vkey));

        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShortKeyWithCorrectId_ReportsWrongLengthNotIdMismatch()
    {
        // A 31-byte key with its own valid ID isolates the length check from the ID check.
        byte[] typedKey = new byte[32];
        typedKey[0] = 0x01;
        byte[] idInput = [.. Encoding.UTF8.GetBytes("short"), 0x0A, .. typedKey];
        byte[] digest = SHA256.HashData(idInput);
        string vkey = $"short+{Convert.ToHexStringLower(digest.AsSpan(0, 4))}+{Convert.ToBase64String(typedKey)}";

        FormatException e = Assert.Throws<FormatException>(() => NoteVerifier.Parse(vkey));

        Assert.Contains("31 bytes; it must be 32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_GoSignature_AcceptsItAndRejectsAlteredMessageOrSignature()
    {
        NoteVerifier verifier = NoteVerifier.Parse(GoVectors.PeterVerifierKey);
        byte[] signature = Convert.FromBase64String(GoVectors.PeterSignatureLine.Split(' ')[2].TrimEnd('\n'))[4..];
        byte[] message = Encoding.UTF8.GetBytes(GoVectors.Text);

        Assert.True(verifier.Verify(message, signature));

        message[0] ^= 1;
        Assert.False(verifier.Verify(message, signature));
        message[0] ^= 1;
        signature[10] ^= 1;
        Assert.False(verifier.Verify(message, signature));
        Assert.False(verifier.Verify(message, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void FromEd25519PublicKey_InvalidName_Throws()
    {
        Assert.Throws<ArgumentException>(() => NoteVerifier.FromEd25519PublicKey("a+b", new byte[32]));
        Assert.Throws<ArgumentException>(() => NoteVerifier.FromEd25519PublicKey("a\u00A0b", new byte[32]));
        Assert.Throws<ArgumentException>(() => NoteVerifier.FromEd25519PublicKey("", new byte[32]));
    }

    [Fact]
    public void FromEd25519PublicKey_NotACurvePoint_ThrowsNamingThePoint()
    {
        // For y = 2..40 these have no x with x² = (y² − 1) / (d·y² + 1) mod 2²⁵⁵ − 19 (computed
        // independently, with Euler's criterion); every other y in the range is a point.
        int[] notOnTheCurve = [2, 7, 8, 11, 12, 13, 17, 20, 22, 31, 34, 36, 38];
        var rejected = new List<int>();
        for (byte y = 2; y <= 40; y++)
        {
            byte[] key = new byte[32];
            key[0] = y;
            try
            {
                NoteVerifier.FromEd25519PublicKey("log.example", key);
            }
            catch (ArgumentException e)
            {
                Assert.Contains("not a valid Ed25519 point", e.Message, StringComparison.Ordinal);
                rejected.Add(y);
            }
        }

        Assert.Equal(notOnTheCurve, rejected);
    }
}
