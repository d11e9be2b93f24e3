using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Tests.Canonicalization;

public sealed class JsonCanonicalizerTests
{
    // RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript string forms. The task
    // brief quoted 44b52d02c7e14af7 as "1.0000000000000001e+23" and becbf647612f3696 as
    // "-0.0000033333333333333333"; the RFC (and every JCS implementation cross-checked)
    // has the values below, which are also the correctly rounded shortest forms: af7 is
    // 100000000000000008388608 exactly, so 17 digits round to ...0001e+23.
    public static TheoryData<string, string> AppendixBNumbers => new()
    {
        { "0000000000000000", "0" },
        { "8000000000000000", "0" },
        { "0000000000000001", "5e-324" },
        { "8000000000000001", "-5e-324" },
        { "7fefffffffffffff", "1.7976931348623157e+308" },
        { "ffefffffffffffff", "-1.7976931348623157e+308" },
        { "4340000000000000", "9007199254740992" },
        { "c340000000000000", "-9007199254740992" },
        { "4430000000000000", "295147905179352830000" },
        { "44b52d02c7e14af5", "9.999999999999997e+22" },
        { "44b52d02c7e14af6", "1e+23" },
        { "44b52d02c7e14af7", "1.0000000000000001e+23" },
        { "444b1ae4d6e2ef4e", "999999999999999700000" },
        { "444b1ae4d6e2ef4f", "999999999999999900000" },
        { "444b1ae4d6e2ef50", "1e+21" },
        { "3eb0c6f7a0b5ed8c", "9.999999999999997e-7" },
        { "3eb0c6f7a0b5ed8d", "0.000001" },
        { "41b3de4355555553", "333333333.3333332" },
        { "41b3de4355555554", "333333333.33333325" },
        { "41b3de4355555555", "333333333.3333333" },
        { "41b3de4355555556", "333333333.3333334" },
        { "41b3de4355555557", "333333333.33333343" },
        { "becbf647612f3696", "-0.0000033333333333333333" },
        { "43143ff3c1cb0959", "1424953923781206.2" },
    };

    [Theory]
    [MemberData(nameof(AppendixBNumbers))]
    public void WriteNumber_Rfc8785AppendixB_MatchesExpected(string ieeeHex, string expected)
    {
        double value = BitConverter.Int64BitsToDouble(long.Parse(ieeeHex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));

        Assert.Equal(expected, FormatNumber(value));
    }

    [Theory]
    [InlineData("7fffffffffffffff")] // NaN (Appendix B)
    [InlineData("7ff0000000000000")] // Infinity (Appendix B)
    [InlineData("fff0000000000000")] // -Infinity
    public void WriteNumber_NaNOrInfinity_Throws(string ieeeHex)
    {
        double value = BitConverter.Int64BitsToDouble(long.Parse(ieeeHex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));

        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.WriteNumber(value, new ArrayBufferWriter<byte>()));
        Assert.Contains("cannot be represented in JSON", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123.456, "123.456")]
    [InlineData(-42, "-42")]
    [InlineData(1e300, "1e+300")]
    [InlineData(0.1, "0.1")]
    public void WriteNumber_LayoutBoundaries_FollowEcmaScript(double value, string expected) =>
        Assert.Equal(expected, FormatNumber(value));

    [Fact]
    public void Canonicalize_Rfc8785Section322Sample_MatchesExpectedTextAndBytes()
    {
        // RFC 8785 §3.2.2 input and §3.2.3 output; the byte dump is §3.2.4.
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";
        byte[] expectedBytes = Convert.FromHexString(
            "7b226c69746572616c73223a5b6e756c6c2c74727565" +
            "2c66616c73655d2c226e756d62657273223a5b333333" +
            "3333333333332e333333333333332c31652b33302c34" +
            "2e352c302e3030322c31652d32375d2c22737472696e" +
            "67223a22e282ac245c75303030665c6e4127425c225c" +
            "5c5c5c5c222f227d");

        byte[] actual = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input));

        Assert.Equal(expected, Encoding.UTF8.GetString(actual));
        Assert.Equal(expectedBytes, actual);
    }

    [Fact]
    public void Canonicalize_Rfc8785Section323SortingExample_SortsByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        string expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\"," +
            "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\"," +
            "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

        byte[] actual = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input));

        Assert.Equal(Encoding.UTF8.GetBytes(expected), actual);
    }

    [Fact]
    public void Canonicalize_RawUtf8Names_SortLikeEscapedNames()
    {
        // Same names as the §3.2.3 example but written raw, so the comparer sees UTF-8
        // lead bytes EF (U+FB33) against F0 (U+1F600) without any escape decoding.
        string input = "{\"\ufb33\":1,\"\ud83d\ude00\":2,\"\u20ac\":3}";

        byte[] actual = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input));

        Assert.Equal("{\"\u20ac\":3,\"\ud83d\ude00\":2,\"\ufb33\":1}", Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void Canonicalize_NestedStructures_SortsEveryLevelAndKeepsArrayOrder()
    {
        const string input = """{ "b": [ {"z": 1, "a": {"y": [3, 2, 1], "x": {}}}, [] ], "a": { } , "c" : "\u0041\t" }""";

        byte[] actual = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(input));

        Assert.Equal("""{"a":{},"b":[{"a":{"x":{},"y":[3,2,1]},"z":1},[]],"c":"A\t"}""", Encoding.UTF8.GetString(actual));
    }

    [Theory]
    [InlineData(17)]
    [InlineData(300)]
    public void Canonicalize_LargeObject_SortsLikeOrdinalStringOrder(int count)
    {
        // More than 16 members takes the heapsort path rather than insertion sort.
        var random = new Random(count);
        var names = new List<string>();
        for (int i = 0; i < count; i++)
        {
            names.Add(i % 3 == 0 ? char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)) + i : ((char)random.Next(0x20, 0xFFFF - 1)).ToString().Replace('"', 'q').Replace('\\', 'b') + (i % 3 == 1 ? "\uE000" : string.Empty) + i);
        }

        names.RemoveAll(n => char.IsSurrogate(n[0]) && !char.IsSurrogatePair(n, 0));
        string json = "{" + string.Join(",", names.Select((n, i) => JsonSerializer.Serialize(n) + ":" + i)) + "}";

        byte[] actual = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json));

        using JsonDocument parsed = JsonDocument.Parse(actual);
        var expected = names.ToList();
        expected.Sort(string.CompareOrdinal);
        Assert.Equal(expected, parsed.RootElement.EnumerateObject().Select(p => p.Name).ToList());
    }

    [Fact]
    public void Canonicalize_DuplicateInLargeObject_Throws()
    {
        string json = "{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i % 39}\":{i}")) + "}";

        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("\"k0\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_NegativeZeroAndExponentInput_NormalizesNumbers()
    {
        byte[] actual = JsonCanonicalizer.Canonicalize("[-0, 1E2, 1.000e-10, 12345678901234567890]"u8);

        Assert.Equal("[0,100,1e-10,12345678901234567000]", Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void Canonicalize_DuplicateProperty_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize("""{"a":1,"score":2,"\u0073core":3}"""u8));

        Assert.Contains("\"score\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_NumberBeyondDoubleRange_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize("[1e400]"u8));

        Assert.Contains("1e400", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside the range", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["\ud800"]""")]
    [InlineData("""["\udc00x"]""")]
    [InlineData("""["a\ud83d\u0041"]""")]
    [InlineData("""{"\ud83d":1}""")]
    public void Canonicalize_LoneSurrogateEscape_Throws(string json)
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("lone UTF-16 surrogate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteString_LoneSurrogate_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.WriteString("ok\ud800", new ArrayBufferWriter<byte>()));

        Assert.Contains("index 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteString_AllControlCharacters_UseShorthandOrLowercaseHex()
    {
        var builder = new StringBuilder();
        for (char c = '\0'; c < ' '; c++)
        {
            builder.Append(c);
        }

        builder.Append("\"\\/\u007f\u00e9\U0001F600");
        var output = new ArrayBufferWriter<byte>();

        JsonCanonicalizer.WriteString(builder.ToString(), output);

        const string expected =
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f" +
            "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f" +
            "\\\"\\\\/\u007f\u00e9\U0001F600\"";
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteString_LongString_UsesPooledBufferAndMatchesShortPath()
    {
        string value = string.Concat(Enumerable.Repeat("é\n\"x", 500));
        var output = new ArrayBufferWriter<byte>();

        JsonCanonicalizer.WriteString(value, output);

        Assert.Equal("\"" + string.Concat(Enumerable.Repeat("é\\n\\\"x", 500)) + "\"", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Write_UndefinedElement_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Write(default, new ArrayBufferWriter<byte>()));

        Assert.Contains("undefined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_Depth1000_DoesNotOverflowStack()
    {
        string json = new string('[', 500) + "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 499)) + "1" + new string('}', 500) + new string(']', 500);
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1001 });

        byte[] actual = JsonCanonicalizer.Canonicalize(document.RootElement);

        Assert.Equal(json, Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void Canonicalize_TrailingContent_Throws() =>
        Assert.ThrowsAny<JsonException>(() => JsonCanonicalizer.Canonicalize("{} {}"u8));

    private static string FormatNumber(double value)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonCanonicalizer.WriteNumber(value, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
