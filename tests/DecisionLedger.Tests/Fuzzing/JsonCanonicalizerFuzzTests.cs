using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// RFC 8785 canonicalization under random and mutated input: the only failures are the documented
/// ones (<see cref="JsonException"/> for text that is not JSON, <see cref="ArgumentException"/> for a
/// value JCS cannot represent), and whatever it accepts comes out as valid UTF-8 that is its own
/// canonical form and means the same as the input.
/// </summary>
public sealed class JsonCanonicalizerFuzzTests
{
    private static readonly byte[][] s_corpus =
    [
        Some.Utf8(Some.ExampleDecisionJson),
        Some.Utf8(Some.MinimalDecisionJson),
        """{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000001,-0,1e21,1e-7],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"""u8.ToArray(),
        """{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"""u8.ToArray(),
        """[56,{"d":true,"10":null,"1":[]}]"""u8.ToArray(),
        """{"a":{"b":{"c":[1,[2,[3,{"d":"e"}]]]}}}"""u8.ToArray(),
        """ "just a string" """u8.ToArray(),
    ];

    [Fact]
    public void Canonicalize_MutatedJson_ThrowsOnlyDocumentedExceptionsAndEmitsCanonicalUtf8()
    {
        FuzzBudget.Run(ByteMutations.Of(s_corpus), shortRun: 6_000, input =>
        {
            byte[] canonical;
            try
            {
                canonical = JsonCanonicalizer.Canonicalize(input);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                return;
            }

            Assert.True(Utf8.IsValid(canonical), "the canonical form is not valid UTF-8");
            Assert.Equal(canonical, JsonCanonicalizer.Canonicalize(canonical));
        }, ByteMutations.Show);
    }

    [Fact]
    public void Canonicalize_GeneratedDocuments_DoesNotDependOnEscapingOrSpacingAndKeepsMeaning()
    {
        var escaped = new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default, WriteIndented = true };
        var raw = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        FuzzBudget.Run(JsonValues.Document, shortRun: 800, document =>
        {
            byte[] fromEscaped = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(document.ToJsonString(escaped)));
            byte[] fromRaw = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(document.ToJsonString(raw)));

            Assert.Equal(fromRaw, fromEscaped);
            Assert.Equal(fromRaw, JsonCanonicalizer.Canonicalize(fromRaw));
            using JsonDocument parsed = JsonDocument.Parse(fromRaw);
            JsonValues.AssertSameMeaning(document, parsed.RootElement, "$");
        }, document => document.ToJsonString(raw));
    }

    // Found by the mutation property: System.Text.Json does not validate the UTF-8 of a string or
    // member name it does not decode, so these bytes were copied into the "canonical" form as they
    // were, and an entry hashed over them was not JSON any other verifier could read.
    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'k', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'k', (byte)'"', (byte)':', (byte)'"', 0xC3, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'[', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)']' })]
    [InlineData(new byte[] { (byte)'"', (byte)'\\', (byte)'n', 0xC0, 0xAF, (byte)'"' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xF4, 0x90, 0x80, 0x80, (byte)'\\', (byte)'t', (byte)'"', (byte)':', (byte)'0', (byte)'}' })]
    public void Canonicalize_InvalidUtf8InStringOrName_IsRejectedWithTheOffset(byte[] json)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize(json));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }
}
