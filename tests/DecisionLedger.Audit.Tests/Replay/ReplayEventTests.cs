using System.Text;
using DecisionLedger.Entries;
using DecisionLedger.Replay;

namespace DecisionLedger.Audit.Tests.Replay;

public sealed class ReplayEventTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 12, 0, 3, TimeSpan.Zero);

    [Fact]
    public void ReplayEvent_CanonicalBytes_AreSortedAndReadBackToTheSameEvent()
    {
        var replay = new ReplayEvent(
            new Dictionary<string, string> { ["model"] = "scorer", ["endpoint"] = "http://127.0.0.1:5080/score", ["map:output.score"] = "$.probability", ["tolerance"] = "1E-06" },
            Matched: 4,
            Differed: 1,
            NotReplayable: 0,
            DifferedSeqs: [3]);

        byte[] bytes = EventCanonicalizer.ToCanonicalBytes(new EventEntry(5, "r-replay", s_time, LedgerEvent.ForReplay(replay, 1)));

        Assert.Equal(
            "{\"event\":{\"differed\":1,\"differedSeqs\":[3],\"matched\":4,\"notReplayable\":0,\"parameters\":{\"endpoint\":\"http://127.0.0.1:5080/score\",\"map:output.score\":\"$.probability\",\"model\":\"scorer\",\"tolerance\":\"1E-06\"}},\"kind\":\"replay\",\"requestId\":\"r-replay\",\"seq\":5,\"timestamp\":\"2026-11-23T12:00:03.000000Z\",\"v\":1}",
            Encoding.UTF8.GetString(bytes));
        EventEntry read = EventCanonicalizer.Parse(bytes);
        Assert.Equal(LedgerEvent.ReplayKind, read.Event.Kind);
        Assert.Equal([3L], read.Event.Replay!.DifferedSeqs);
        Assert.Equal("scorer", read.Event.Replay.Parameters["model"]);
    }

    [Theory]
    [InlineData("\"differed\":1,\"differedSeqs\":[3],\"matched\":4,\"notReplayable\":0,\"parameters\":{},\"extra\":1", "event.extra")]
    [InlineData("\"differed\":1,\"differedSeqs\":[3],\"matched\":4,\"notReplayable\":0", "event.parameters")]
    [InlineData("\"differed\":2,\"differedSeqs\":[3],\"matched\":4,\"notReplayable\":0,\"parameters\":{}", "event.differedSeqs")]
    [InlineData("\"differed\":0,\"differedSeqs\":[],\"matched\":-1,\"notReplayable\":0,\"parameters\":{}", "event.matched")]
    [InlineData("\"differed\":0,\"differedSeqs\":[],\"matched\":1,\"notReplayable\":0,\"parameters\":{\"seq\":3}", "event.parameters.seq")]
    public void ReplayEvent_Malformed_IsRefusedNamingTheMember(string body, string named)
    {
        byte[] bytes = Encoding.UTF8.GetBytes("{\"event\":{" + body + "},\"kind\":\"replay\",\"requestId\":\"r\",\"seq\":5,\"timestamp\":\"2026-11-23T12:00:03.000000Z\",\"v\":1}");

        FormatException error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(bytes));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
