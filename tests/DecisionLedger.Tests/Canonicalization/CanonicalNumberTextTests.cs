using System.Buffers;
using System.Globalization;
using System.Text;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Tests.Canonicalization;

/// <summary>The copy-as-is fast path for number tokens must print exactly what the double path prints.</summary>
public sealed class CanonicalNumberTextTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("-42")]
    [InlineData("0.42")]
    [InlineData("-0.5")]
    [InlineData("123.456")]
    [InlineData("0.000001")]
    [InlineData("999999999999999")]
    [InlineData("1234567890.12345")]
    [InlineData("1000")]
    public void IsCanonicalNumberText_CanonicalTokens_AreCopied(string token)
    {
        Assert.True(CanonicalNumberFormat.IsCanonicalText(Encoding.UTF8.GetBytes(token)));
        Assert.Equal(token, ViaDouble(token));
    }

    [Theory]
    [InlineData("-0")]
    [InlineData("0.50")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1E-7")]
    [InlineData("0.0000001")]
    [InlineData("9999999999999999")]
    [InlineData("0.30000000000000004")]
    [InlineData("1234567890.123456")]
    [InlineData("-")]
    [InlineData("")]
    public void IsCanonicalNumberText_OtherTokens_TakeTheDoublePath(string token) =>
        Assert.False(CanonicalNumberFormat.IsCanonicalText(Encoding.UTF8.GetBytes(token)));

    [Fact]
    public void Canonicalize_RandomDecimals_FastPathMatchesDoublePath()
    {
        var random = new Random(8785);
        for (int i = 0; i < 50_000; i++)
        {
            string token = RandomDecimal(random);
            string canonical = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes("[" + token + "]")));
            Assert.Equal("[" + ViaDouble(token) + "]", canonical);
        }
    }

    private static string ViaDouble(string token)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonCanonicalizer.WriteNumber(double.Parse(token, CultureInfo.InvariantCulture), buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Plain decimals around the fast path's edges: up to 17 digits, up to 8 leading fraction zeros, trailing zeros.
    private static string RandomDecimal(Random random)
    {
        var text = new StringBuilder();
        if (random.Next(4) == 0)
        {
            text.Append('-');
        }

        int integerDigits = random.Next(0, 17);
        if (integerDigits == 0)
        {
            text.Append('0');
        }
        else
        {
            text.Append((char)('1' + random.Next(9)));
            for (int d = 1; d < integerDigits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }
        }

        int fractionDigits = random.Next(0, 18 - integerDigits);
        if (fractionDigits > 0)
        {
            text.Append('.');
            int zeros = integerDigits == 0 ? random.Next(0, 9) : 0;
            text.Append('0', zeros);
            for (int d = 0; d < fractionDigits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }
        }

        return text.ToString();
    }
}
