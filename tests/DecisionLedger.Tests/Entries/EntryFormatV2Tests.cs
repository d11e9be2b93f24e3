using System.Buffers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;

namespace DecisionLedger.Tests.Entries;

// The v2 decision entry (docs/format.md, section 1): prev links, subject by ref, v 2; every refusal names its field.
public sealed class EntryFormatV2Tests
{
    private const string Ref = "q83vEjRWeJqrze8SNFZ4mg";
    private static readonly Sha256Hash s_digest = Sha256Hash.Compute("input"u8);

    private static readonly string s_v2Json =
        "{\"inputDigest\":\"" + s_digest.ToHex() + "\",\"model\":{\"name\":\"fraud\",\"version\":\"1.0\"},\"output\":{\"score\":0.5}," +
        "\"prev\":{\"model\":3,\"subject\":-1},\"redactions\":[],\"requestId\":\"req-9\",\"seq\":9," +
        "\"subject\":{\"ref\":\"" + Ref + "\"},\"timestamp\":\"2026-11-23T12:00:09.000000Z\",\"v\":2}";

    private static Decision Decision(string? subjectId) => new()
    {
        Model = new ModelInfo { Name = "fraud", Version = "1.0" },
        Input = JsonDocument.Parse("{}").RootElement,
        Output = JsonDocument.Parse("{\"score\":0.5}").RootElement,
        Subject = subjectId is null ? null : new DecisionSubject { Id = subjectId },
    };

    private static string Write(Decision decision, string? subjectRef, ChainLinks? prev)
    {
        var buffer = new ArrayBufferWriter<byte>();
        DecisionEntryWriter.Write(
            buffer, 9, "req-9", new DateTimeOffset(2026, 11, 23, 12, 0, 9, TimeSpan.Zero), decision, null, s_digest,
            JsonCanonicalizer.Canonicalize("{\"score\":0.5}"u8), default, [], subjectRef, prev);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Write_WithPrev_WritesV2InDesignKeyOrderWithRefNeverTheId()
    {
        string json = Write(Decision("alice@example.com"), Ref, new ChainLinks(3, -1));

        Assert.Equal(s_v2Json, json);
        Assert.DoesNotContain("alice", json, StringComparison.Ordinal);
        Assert.Equal(json, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Write_V2_AllocatesNoMoreThanV1()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        Decision decision = Decision("alice");
        byte[] output = JsonCanonicalizer.Canonicalize("{\"score\":0.5}"u8);
        var prev = new ChainLinks(3, -1);
        var timestamp = new DateTimeOffset(2026, 11, 23, 12, 0, 9, TimeSpan.Zero);

        long Allocated(string? subjectRef, ChainLinks? links)
        {
            buffer.ResetWrittenCount();
            DecisionEntryWriter.Write(buffer, 9, "req-9", timestamp, decision, null, s_digest, output, default, [], subjectRef, links);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                buffer.ResetWrittenCount();
                DecisionEntryWriter.Write(buffer, 9, "req-9", timestamp, decision, null, s_digest, output, default, [], subjectRef, links);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long v1 = Allocated(null, null);
        long v2 = Allocated(Ref, prev);

        Assert.True(v2 <= v1, $"v2 allocated {v2} bytes over 100 entries, v1 {v1}");
    }

    [Fact]
    public void FormatDoc_ShowsTheV2EntryThisWriterWrites()
    {
        string json = Write(Decision("alice@example.com"), Ref, new ChainLinks(3, -1));

        Assert.Contains(json, Docs.RepositoryDocs.Read("docs/format.md"), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutPrev_WritesV1WithTheSubjectId()
    {
        string json = Write(Decision("alice@example.com"), null, null);

        Assert.Contains("\"subject\":{\"id\":\"alice@example.com\"}", json, StringComparison.Ordinal);
        Assert.EndsWith("\"v\":1}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("prev", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V2Entry_RoundTripsRefAndLinks()
    {
        LedgerEntry entry = EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(s_v2Json));

        Assert.Equal((LedgerEntry.Version2, Ref, new ChainLinks(3, -1)), (entry.V, entry.SubjectRef, entry.Prev));
        Assert.Null(entry.Subject);
        Assert.Equal(s_v2Json, Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(entry)));
    }

    [Theory]
    [InlineData("\"prev\":{\"model\":3,\"subject\":-1},", "", "'prev'")]
    [InlineData("\"subject\":{\"ref\":\"" + Ref + "\"}", "\"subject\":{\"id\":\"alice\"}", "'subject.id'")]
    [InlineData(Ref, "q83vEjRWeJqrze8SNFZ4m", "'subject.ref'")]
    [InlineData(Ref, "q83vEjRWeJqrze8SNFZ4m+", "'subject.ref'")]
    [InlineData(Ref, "q83vEjRWeJqrze8SNFZ4mh", "'subject.ref'")]
    [InlineData(Ref, "q83vEjRWeJqrze8SNFZ4mg==", "'subject.ref'")]
    [InlineData("\"model\":3,", "\"model\":-2,", "'prev.model'")]
    [InlineData("\"subject\":-1}", "\"subject\":-7}", "'prev.subject'")]
    [InlineData("\"subject\":-1}", "\"subject\":-1,\"z\":0}", "'prev' has an unknown member 'z'")]
    [InlineData("\"ref\":\"" + Ref + "\"}", "\"ref\":\"" + Ref + "\",\"x\":1}", "'subject' has an unknown member 'x'")]
    public void Parse_BrokenV2Entry_RefusedNamingTheField(string from, string to, string named)
    {
        string json = s_v2Json.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(s_v2Json, json);

        FormatException error = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V1EntryWithPrev_RefusedNamingPrev()
    {
        string json = s_v2Json.Replace("\"subject\":{\"ref\":\"" + Ref + "\"},", string.Empty, StringComparison.Ordinal).Replace("\"v\":2", "\"v\":1", StringComparison.Ordinal);

        FormatException error = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("'prev'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2L, -1L, "prev.model")]
    [InlineData(9L, -1L, "prev.model")]
    [InlineData(3L, 2L, "prev.subject")]
    public void Write_V2WithImpossibleLink_ThrowsNamingTheLink(long model, long subject, string named)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Write(Decision(null), null, new ChainLinks(model, subject)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_V2SubjectWithoutRef_ThrowsNamingSubjectRef()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Write(Decision("alice"), null, new ChainLinks(-1, -1)));
        Assert.Contains("subject.ref", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCanonicalBytes_V2EntryWithSubjectId_ThrowsNamingSubjectId()
    {
        LedgerEntry entry = EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(s_v2Json)) with { Subject = new DecisionSubject { Id = "alice" } };

        ArgumentException error = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(entry));

        Assert.Contains("subject.id", error.Message, StringComparison.Ordinal);
    }
}
