using System.Text;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

/// <summary>
/// Whatever <see cref="DecisionParser"/> accepts, <see cref="JsonCanonicalizer"/> can write (issue 12, §1):
/// the fuzzer found decisions the parser accepted and the canonicalizer then refused, failing the group
/// commit they were in. The root cause was text the parser never decoded (raw bytes that are not UTF-8),
/// which the canonicalizer checks; these pin both sides of that boundary.
/// </summary>
public sealed class AcceptedDecisionCanonicalizesTests
{
    private static readonly byte[] Prefix = """{"model":{"name":"m","version":"1"},"output":{},"input":"""u8.ToArray();

    public static TheoryData<string, byte[]> Refused => new()
    {
        { "value with a raw 0xFF byte", [.. "{\"k\":\"a"u8, 0xFF, .. "b\"}"u8] },
        { "member name with a raw 0xFF byte", [.. "{\"k"u8, 0xFF, .. "\":1}"u8] },
        { "overlong encoding of '/'", [.. "{\"k\":\""u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "encoded surrogate (CESU-8)", [.. "{\"k\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "truncated sequence inside an escaped string", [.. "{\"k\":\"\\n"u8, 0xE2, 0x82, .. "\"}"u8] },
        { "lone surrogate escape", "{\"k\":\"\\ud800\"}"u8.ToArray() },
        { "number beyond a double", "{\"k\":1e309}"u8.ToArray() },
        { "299-digit number with an exponent", Encoding.ASCII.GetBytes("{\"k\":" + new string('9', 299) + "e10}") },
    };

    public static TheoryData<string, byte[], string> Accepted => new()
    {
        { "escaped surrogate pair", "{\"\\ud83d\\ude00\":\"\\ud83d\\ude00\"}"u8.ToArray(), "{\"😀\":\"😀\"}" },
        { "raw four-byte UTF-8", "{\"k\":\"😀\"}"u8.ToArray(), "{\"k\":\"😀\"}" },
        { "largest finite exponent", "{\"k\":1e308}"u8.ToArray(), "{\"k\":1e+308}" },
        { "negative zero", "{\"k\":-0.0}"u8.ToArray(), "{\"k\":0}" },
        { "299 digits, no exponent", Encoding.ASCII.GetBytes("{\"k\":1" + new string('0', 298) + "}"), "{\"k\":1e+298}" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Parse_TextOrNumberTheCanonicalizerCannotWrite_IsRefusedInTheInput(string what, byte[] input)
    {
        var exception = Assert.Throws<DecisionValidationException>(() => DecisionParser.Default.Parse(Decision(input)));

        Assert.True(exception.Path.StartsWith("input", StringComparison.Ordinal), $"{what}: reported at {exception.Path}");
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Parse_AcceptedInput_Canonicalizes(string what, byte[] input, string canonical)
    {
        Decision decision = DecisionParser.Default.Parse(Decision(input));

        Assert.True(canonical == Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(decision.Input)), what);
    }

    private static byte[] Decision(byte[] input) => [.. Prefix, .. input, (byte)'}'];
}
