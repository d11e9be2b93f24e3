using System.Text;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;

namespace DecisionLedger.Tests.Entries;

// The v2 events: format, heads, and the erasure that names a ref instead of the id.
public sealed class EventCanonicalizerV2Tests
{
    private const string Ref = "q83vEjRWeJqrze8SNFZ4mg";
    private const string Tail = "\"requestId\":\"r-1\",\"seq\":12,\"timestamp\":\"2026-11-23T12:00:00.000000Z\",\"v\":2}";
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Sha256Hash s_root = Sha256Hash.Compute("root"u8);

    private static readonly string s_headsJson = "{\"event\":{\"keys\":5,\"root\":\"" + s_root.ToBase64() + "\"},\"kind\":\"heads\"," + Tail;

    public static TheoryData<string, string> Events => new()
    {
        { "format", "{\"event\":{\"version\":2},\"kind\":\"format\"," + Tail },
        { "heads", s_headsJson },
        { "erasure", "{\"event\":{\"decisionsErased\":2,\"reason\":\"GDPR Art. 17 request\",\"requestedBy\":\"dpo\",\"subjectRef\":\"" + Ref + "\"},\"kind\":\"erasure\"," + Tail },
    };

    private static LedgerEvent Event(string kind) => kind switch
    {
        "format" => LedgerEvent.ForFormat(2),
        "heads" => LedgerEvent.ForHeads(s_root, 5),
        _ => LedgerEvent.ForErasure(new ErasureEvent(string.Empty, 2, "GDPR Art. 17 request", "dpo") { SubjectRef = Ref }),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void ToCanonicalBytes_V2Event_WritesDesignBytesAndParsesBack(string kind, string json)
    {
        var entry = new EventEntry(12, "r-1", s_time, Event(kind));

        Assert.Equal(2, entry.V);
        Assert.Equal(json, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(entry)));
        EventEntry parsed = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal((kind, 2, 12L), (parsed.Event.Kind, parsed.V, parsed.Seq));
        Assert.Equal(json, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(parsed)));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void FormatDoc_ShowsEachV2EventAsWritten(string kind, string json)
    {
        Assert.Equal(json, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(new EventEntry(12, "r-1", s_time, Event(kind)))));
        Assert.Contains(json, Docs.RepositoryDocs.Read("docs/format.md"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Heads_ReadsRootAndKeys()
    {
        EventEntry parsed = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(s_headsJson));
        Assert.Equal((s_root, 5L), (parsed.Event.HeadsRoot!.Value, parsed.Event.HeadsKeys!.Value));
    }

    [Theory]
    [InlineData("{\"event\":{\"keys\":5,\"root\":\"AAAA\"},\"kind\":\"heads\"," + Tail, "event.root")]
    [InlineData("{\"event\":{\"keys\":-1,\"root\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"},\"kind\":\"heads\"," + Tail, "event.keys")]
    [InlineData("{\"event\":{\"keys\":1,\"root\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"x\":1},\"kind\":\"heads\"," + Tail, "event.x")]
    [InlineData("{\"event\":{\"version\":3},\"kind\":\"format\"," + Tail, "event.version")]
    [InlineData("{\"event\":{\"decisionsErased\":2,\"reason\":\"r\",\"requestedBy\":\"b\",\"subjectId\":\"alice\"},\"kind\":\"erasure\"," + Tail, "subjectId")]
    [InlineData("{\"event\":{\"decisionsErased\":2,\"reason\":\"r\",\"requestedBy\":\"b\",\"subjectRef\":\"short\"},\"kind\":\"erasure\"," + Tail, "event.subjectRef")]
    public void Parse_BrokenV2Event_RefusedNamingTheField(string json, string named)
    {
        FormatException error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HeadsEventWrittenAsV1_RefusedNamingV()
    {
        string json = s_headsJson.Replace("\"v\":2", "\"v\":1", StringComparison.Ordinal);
        FormatException error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.StartsWith("v:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForErasure_RefAndClearId_ThrowsNamingSubjectId()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => LedgerEvent.ForErasure(new ErasureEvent("alice", 1, "r", "b") { SubjectRef = Ref }));
        Assert.Contains("event.subjectId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForHeadsAndForFormat_OutOfRange_ThrowNamingTheField()
    {
        Assert.Contains("event.keys", Assert.Throws<ArgumentOutOfRangeException>(() => LedgerEvent.ForHeads(s_root, -1)).Message, StringComparison.Ordinal);
        Assert.Contains("event.version", Assert.Throws<ArgumentOutOfRangeException>(() => LedgerEvent.ForFormat(1)).Message, StringComparison.Ordinal);
    }
}
