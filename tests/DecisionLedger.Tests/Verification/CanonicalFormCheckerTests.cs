using System.Text;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

public sealed class CanonicalFormCheckerTests
{
    public static TheoryData<string> Texts =>
    [
        """{"a":1,"b":[true,false,null],"c":{"d":"e"}}""",
        """{"b":1,"a":2}""",
        """{"a":1,"a":1}""",
        """{"a":1, "b":2}""",
        """{"a" :1}""",
        """ {"a":1}""",
        """{"a":1} """,
        """{"a":1}x""",
        """[1,2 ,3]""",
        """{}""",
        """[]""",
        """[{},[],{"":""}]""",
        "\"plain\"",
        "0",
        "-0",
        "1.0",
        "1.5",
        "0.5",
        "1e2",
        "1E+2",
        "100",
        "1e21",
        "1e+21",
        "0.000001",
        "1e-7",
        "0.0000001",
        "123456789012345678",
        "123456789012345680",
        "1e400",
        "-1.25e-5",
        "0.1234567890123456789",
        """["\u0041"]""",
        """["\/"]""",
        """["a\"b\\c"]""",
        """["\n\t\r\b\f"]""",
        """["\u000a"]""",
        """["\u001f"]""",
        """["\u001F"]""",
        """["\u0000"]""",
        """["\ud83d\ude00"]""",
        """["\ud800"]""",
        "[\"😀\"]",
        """{"é":1,"z":2}""",
        """{"z":1,"é":2}""",
        "{\"\uFFFD\":1,\"😀\":2}",
        "{\"😀\":1,\"\uFFFD\":2}",
        """{"a\u0000":1,"b":2}""",
        """{"b":1,"a\n":2}""",
        """{"a":{"c":1,"b":2}}""",
        """{"a":[{"b":1},{"b":2,"a":3}]}""",
        "",
        "{",
        "[1,]",
        "\uFEFF{}",
        new string('[', 64) + new string(']', 64),
        new string('[', 65) + new string(']', 65),
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void IsCanonical_AnyText_AgreesWithCanonicalizingAndComparing(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        Assert.Equal(EntryFields.CanonicalizesToItself(bytes), EntryFields.IsCanonical(bytes));
    }

    [Fact]
    public void IsCanonical_LedgerEntries_AgreesWithCanonicalizingAndComparing()
    {
        for (int seq = 0; seq < 200; seq++)
        {
            byte[] entry = TestLedger.Entry(seq, score: seq / 7.0);

            Assert.True(EntryFields.IsCanonical(entry));
            Assert.Equal(EntryFields.CanonicalizesToItself(entry), EntryFields.IsCanonical(entry));
        }
    }

    [Fact]
    public void TryCheck_EscapedMemberName_LeavesItToTheCanonicalizer()
    {
        Assert.Null(CanonicalFormChecker.TryCheck("""{"a\n":1}"""u8));
    }
}
