using DecisionLedger.Hashing;
using DecisionLedger.Reporting;

namespace DecisionLedger.Tests.Reporting;

public sealed class ReportWriterEscapingTests
{
    private const string Script = "<script>alert('x')</script>";

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+41 79", "'+41 79")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("", "")]
    public void CsvRow_Text_QuotesPerRfc4180AndDefusesFormulas(string value, string expected)
    {
        string row = new CsvRow().Text(value).Number(-3).ToString();

        Assert.Equal(expected + ",-3\r\n", row);
    }

    [Fact]
    public async Task Html_HostileValues_AreEscapedEverywhere()
    {
        var checkpoint = new ReportCheckpoint("origin</code><script>", 3, Sha256Hash.Compute([1]), "note <b>" + Script + "\n");
        var usage = new UsageReport(
            checkpoint,
            new UsageFilters(Script, "v\"><img src=x onerror=alert(1)>", null, null),
            TimeBucket.Day,
            3,
            0,
            null,
            null,
            1,
            [new VersionUsage(Script, 3, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)],
            "output.label",
            [new OutcomeCount(Script, 2), new OutcomeCount("&amp;", 1)],
            new LatencySummary(0, 0, 0, 0, 0, 0),
            [new UsageBucket(DateTimeOffset.UnixEpoch, Script, 3)]);
        var timeline = new VersionTimelineReport(checkpoint, Script, DateTimeOffset.UnixEpoch, Script, [new VersionPeriod(Script, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 3, 0, 2)], [new VersionChange(DateTimeOffset.UnixEpoch, 1, Script, Script)]);
        var access = new DataAccessReport(checkpoint, new DataAccessFilters(null, null, null), [new DataAccessUser(Script, 1, 1, [Script], null, null, 0)]);
        var log = new AccessLogReport(checkpoint, Script, Script);

        string[] pages =
        [
            await RenderAsync(w => ReportHtmlWriter.WriteAsync(usage, w)),
            await RenderAsync(w => ReportHtmlWriter.WriteAsync(timeline, w)),
            await RenderAsync(w => ReportHtmlWriter.WriteAsync(access, w)),
            await RenderAsync(w => ReportHtmlWriter.WriteAsync(log, Records(new AccessLogReportRecord(DateTimeOffset.UnixEpoch, Script, Script, Script, [Script])), w)),
        ];

        foreach (string page in pages)
        {
            Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<b>", page, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
        }

        Assert.Contains("&amp;amp;", pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_HostileValues_StayValidJson()
    {
        var checkpoint = new ReportCheckpoint("o", 1, Sha256Hash.Compute([1]), "n\n");
        var access = new DataAccessReport(checkpoint, new DataAccessFilters(null, null, null), [new DataAccessUser("\"},{\"user\":\"x", 1, 1, ["\n"], null, null, 0)]);

        string json = await RenderAsync(w => ReportJsonWriter.WriteAsync(access, w));

        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("\"},{\"user\":\"x", Assert.Single(document.RootElement.GetProperty("users").EnumerateArray()).GetProperty("user").GetString());
    }

    private static async IAsyncEnumerable<AccessLogReportRecord> Records(params AccessLogReportRecord[] records)
    {
        await Task.Yield();
        foreach (AccessLogReportRecord record in records)
        {
            yield return record;
        }
    }

    private static async Task<string> RenderAsync(Func<TextWriter, Task> write)
    {
        using var writer = new StringWriter();
        await write(writer);
        return writer.ToString();
    }
}
