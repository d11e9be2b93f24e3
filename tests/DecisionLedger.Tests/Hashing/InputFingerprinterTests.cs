using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DecisionLedger.Hashing;

namespace DecisionLedger.Tests.Hashing;

public sealed class InputFingerprinterTests
{
    private static readonly byte[] s_key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void Fingerprint_Input_IsHmacOfCanonicalBytes()
    {
        var fingerprinter = new InputFingerprinter(s_key);

        Sha256Hash actual = fingerprinter.Fingerprint(Parse("""{"b":[1.0,2],"a":"x"}"""));

        Assert.Equal(Sha256Hash.FromBytes(HMACSHA256.HashData(s_key, Encoding.UTF8.GetBytes("""{"a":"x","b":[1,2]}"""))), actual);
    }

    [Fact]
    public void Fingerprint_KeyOrder_DoesNotMatter()
    {
        var fingerprinter = new InputFingerprinter(s_key);

        Assert.Equal(
            fingerprinter.Fingerprint(Parse("""{"amount":10,"merchant":"m","nested":{"x":1,"y":2}}""")),
            fingerprinter.Fingerprint(Parse("""{"nested":{"y":2,"x":1},"merchant":"m","amount":10}""")));
    }

    [Fact]
    public void Fingerprint_DifferentKeys_GiveDifferentFingerprints()
    {
        byte[] otherKey = (byte[])s_key.Clone();
        otherKey[31] ^= 0xFF;
        JsonElement input = Parse("""{"amount":10}""");

        Assert.NotEqual(new InputFingerprinter(s_key).Fingerprint(input), new InputFingerprinter(otherKey).Fingerprint(input));
    }

    [Fact]
    public void Constructor_KeyMutatedAfterwards_FingerprintUnchanged()
    {
        byte[] key = (byte[])s_key.Clone();
        var fingerprinter = new InputFingerprinter(key);
        JsonElement input = Parse("""{"amount":10}""");
        Sha256Hash before = fingerprinter.Fingerprint(input);
        key[0] ^= 1;

        Assert.Equal(before, fingerprinter.Fingerprint(input));
    }

    [Fact]
    public void Constructor_ShortKey_ThrowsWithMinimum()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InputFingerprinter(new byte[31]));
        Assert.Contains("at least 32", ex.Message, StringComparison.Ordinal);
    }

    private static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
