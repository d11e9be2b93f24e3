using System.Text;
using DecisionLedger.Entries;

namespace DecisionLedger.Tests.Entries;

public sealed class EventCanonicalizerTests
{
    private static readonly EventEntry s_erasure = new(
        7,
        "0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a99",
        new DateTimeOffset(2026, 11, 23, 13, 0, 1, 250, TimeSpan.FromHours(1)),
        LedgerEvent.ForErasure(new ErasureEvent("customer-1842", 3, "GDPR Art. 17 request", "dpo@example.com")));

    private const string ErasureJson =
        "{\"event\":{\"decisionsErased\":3,\"reason\":\"GDPR Art. 17 request\",\"requestedBy\":\"dpo@example.com\",\"subjectId\":\"customer-1842\"}," +
        "\"kind\":\"erasure\",\"requestId\":\"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a99\",\"seq\":7,\"timestamp\":\"2026-11-23T12:00:01.250000Z\",\"v\":1}";

    [Fact]
    public void ToCanonicalBytes_ErasureEvent_WritesJcsWithKind()
    {
        Assert.Equal(ErasureJson, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(s_erasure)));
    }

    [Fact]
    public void Parse_CanonicalErasure_RoundTrips()
    {
        EventEntry parsed = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(ErasureJson));
        Assert.Equal(7, parsed.Seq);
        Assert.Equal(s_erasure.Event.Erasure, parsed.Event.Erasure);
        Assert.Equal(s_erasure.Timestamp, parsed.Timestamp);
    }

    [Theory]
    [InlineData("{\"event\":{\"decisionsErased\":3,\"reason\":\"r\",\"requestedBy\":\"b\",\"subjectId\":\"s\"},\"kind\":\"erasure\",\"requestId\":\"x\",\"seq\":7,\"timestamp\":\"2026-11-23T12:00:01.250000Z\",\"v\":1,\"z\":1}", "z")]
    [InlineData("{\"event\":{\"decisionsErased\":3,\"reason\":\"r\",\"requestedBy\":\"b\",\"subjectId\":\"s\"},\"kind\":\"purge\",\"requestId\":\"x\",\"seq\":7,\"timestamp\":\"2026-11-23T12:00:01.250000Z\",\"v\":1}", "kind")]
    [InlineData("{\"kind\":\"erasure\", \"event\":{\"decisionsErased\":3,\"reason\":\"r\",\"requestedBy\":\"b\",\"subjectId\":\"s\"},\"requestId\":\"x\",\"seq\":7,\"timestamp\":\"2026-11-23T12:00:01.250000Z\",\"v\":1}", "canonical")]
    public void Parse_BadEvent_ThrowsNamingProblem(string json, string named)
    {
        FormatException error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsEvent_DecisionAndEvent_TellsThemApart()
    {
        byte[] decision = EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Full());
        Assert.False(EventCanonicalizer.IsEvent(decision));
        Assert.True(EventCanonicalizer.IsEvent(Encoding.UTF8.GetBytes(ErasureJson)));
    }

    [Fact]
    public void ForErasure_EmptyReason_ThrowsNamingReason()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => LedgerEvent.ForErasure(new ErasureEvent("s", 1, " ", "b")));
        Assert.Contains("event.reason", error.Message, StringComparison.Ordinal);
    }
}
