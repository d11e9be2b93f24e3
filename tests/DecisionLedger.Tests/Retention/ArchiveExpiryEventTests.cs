using System.Text;
using DecisionLedger.Entries;
using DecisionLedger.Retention;

namespace DecisionLedger.Tests.Retention;

/// <summary>The <c>archive-expiry</c> event: docs/format.md's example round-trips, and a bad member is refused by name.</summary>
public sealed class ArchiveExpiryEventTests
{
    private const string DocExample = """{"event":{"cutoffs":[{"before":"2020-12-06T00:00:00.000000Z"},{"before":"2019-12-06T00:00:00.000000Z","model":"fraud"}],"decisions":267,"files":[{"destination":"dir:/var/archive/demo","file":"fraud/2019-10/000000000000-000000000266.parquet","firstSeq":0,"lastSeq":266,"rows":267,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]},"kind":"archive-expiry","requestId":"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9c","seq":9000,"timestamp":"2026-12-06T00:00:00.000000Z","v":1}""";

    [Fact]
    public void Parse_FormatDocExample_RoundTripsToTheSameBytes()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "format.md"));
        Assert.Contains(DocExample, doc, StringComparison.Ordinal);

        EventEntry entry = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(DocExample));

        Assert.Equal(LedgerEvent.ArchiveExpiryKind, entry.Event.Kind);
        ArchiveExpiryEvent expiry = entry.Event.ArchiveExpiry!;
        Assert.Equal(267, expiry.Decisions);
        Assert.Equal(new ExpiredArchiveFile("dir:/var/archive/demo", "fraud/2019-10/000000000000-000000000266.parquet", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 267, 0, 266), Assert.Single(expiry.Files));
        Assert.Equal(new KeepCutoff("fraud", new DateTimeOffset(2019, 12, 6, 0, 0, 0, TimeSpan.Zero)), expiry.Cutoffs[1]);
        Assert.Equal(DocExample, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(entry)));
    }

    [Theory]
    [InlineData("\"decisions\":267", "\"decisions\":3", "event.decisions")]
    [InlineData("\"lastSeq\":266", "\"lastSeq\":100", "event.files[].rows")]
    [InlineData("\"sha256\":\"9f86", "\"sha256\":\"XX86", "event.files[].sha256")]
    [InlineData("\"destination\":\"dir:/var/archive/demo\",", "", "event.files[].destination")]
    [InlineData("\"firstSeq\":0,", "\"extra\":1,\"firstSeq\":0,", "event.files[].extra")]
    [InlineData("{\"before\":\"2020-12-06T00:00:00.000000Z\"},{\"before\":\"2019-12-06T00:00:00.000000Z\",\"model\":\"fraud\"}", "{\"model\":\"fraud\"}", "event.cutoffs")]
    [InlineData("\"before\":\"2020-12-06T00:00:00.000000Z\"", "\"before\":\"yesterday\"", "event.cutoffs[].before")]
    public void Parse_BadArchiveExpiryEvent_FailsNamingTheField(string from, string to, string field)
    {
        string edited = DocExample.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(DocExample, edited);

        var error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(edited)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForArchiveExpiry_NoFiles_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LedgerEvent.ForArchiveExpiry(new ArchiveExpiryEvent([new KeepCutoff(null, DateTimeOffset.UnixEpoch)], []), 1));

        Assert.Contains("event.files", error.Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "DecisionLedger.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("DecisionLedger.slnx not found above the test directory.");
    }
}
