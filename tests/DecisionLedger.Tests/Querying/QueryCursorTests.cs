using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Querying;

public sealed class QueryCursorTests
{
    private static readonly EntryFilter s_filter = new() { ModelName = "fraud_detector", Where = WhereParser.Parse("output.label = \"fraud\"") };

    [Fact]
    public void Decode_OwnCursor_ReturnsSeq()
    {
        string cursor = QueryCursor.Encode(123_456_789, s_filter);

        Assert.Equal(20, cursor.Length);
        Assert.Equal(123_456_789, QueryCursor.Decode(cursor, s_filter));
        Assert.Equal(123_456_789, QueryCursor.Decode(cursor, s_filter with { Limit = 5, BeforeSeq = 9 }));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("where")]
    [InlineData("from")]
    [InlineData("user")]
    public void Decode_CursorOfOtherFilter_IsRefused(string change)
    {
        string cursor = QueryCursor.Encode(42, s_filter);
        EntryFilter other = change switch
        {
            "model" => s_filter with { ModelName = "credit" },
            "where" => s_filter with { Where = WhereParser.Parse("output.label = \"legit\"") },
            "from" => s_filter with { From = DateTimeOffset.UnixEpoch },
            _ => s_filter with { UserId = "alice" },
        };

        QueryException error = Assert.Throws<QueryException>(() => QueryCursor.Decode(cursor, other, "cursor"));

        Assert.Equal("cursor", error.Parameter);
        Assert.StartsWith("cursor: this cursor belongs to a query with other filters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AQAAAAAAAAEYshYNFlE!")]
    [InlineData("AgAAAAAAAAEYshYNFlEo")]
    public void Decode_Malformed_IsRefused(string cursor)
    {
        QueryException error = Assert.Throws<QueryException>(() => QueryCursor.Decode(cursor, s_filter, "--cursor"));

        Assert.StartsWith($"--cursor: \"{cursor}\" is not a query cursor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_LegacyNumericCursor_IsItsSeq()
    {
        Assert.Equal(77, QueryCursor.Decode("77", s_filter));
    }
}
