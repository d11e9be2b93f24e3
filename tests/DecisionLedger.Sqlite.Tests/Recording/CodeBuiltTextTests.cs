using System.Text;
using System.Text.Json;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// A <see cref="Decision"/> built in code obeys the parser's text rules: the recorder refuses it at the call,
/// naming the field, instead of accepting it and failing its batch (or storing text no verifier can read).
/// </summary>
public sealed class CodeBuiltTextTests : IDisposable
{
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task RecordAsync_UnpairedSurrogateInSubjectId_RefusedAtTheCallAndOthersRecorded()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        Decision bad = RecorderFixture.Decision(1, "bad-1") with { Subject = new DecisionSubject { Id = "customer-\uD800" } };

        var exception = await Assert.ThrowsAsync<DecisionValidationException>(() => recorder.RecordAsync(bad).AsTask());
        RecordReceipt good = await recorder.RecordAsync(RecorderFixture.Decision(2, "good-2"));

        Assert.Equal("subject.id", exception.Path);
        Assert.Equal(0, good.Seq);
    }

    [Fact]
    public async Task Record_InputOfInvalidUtf8FromCallersOwnParse_RefusedNamingTheMember()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        byte[] json = [.. Encoding.UTF8.GetBytes("{\"k"), 0xFF, .. Encoding.UTF8.GetBytes("\":1}")];
        Decision bad = RecorderFixture.Decision(1) with { Input = JsonElement.Parse(json) };

        var exception = Assert.Throws<DecisionValidationException>(() => recorder.Record(bad));
        await recorder.FlushAsync();

        Assert.Equal("input['k\uFFFD']", exception.Path);
        Assert.Equal(0, await store.GetSizeAsync());
    }

    [Fact]
    public async Task Record_BidiOverrideInActorUserId_Refused()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        Decision bad = RecorderFixture.Decision(1) with { Actor = new Actor { UserId = "admin\u202Egnp.exe" } };

        var exception = Assert.Throws<DecisionValidationException>(() => recorder.Record(bad));

        Assert.Equal("actor.userId", exception.Path);
        Assert.Contains("U+202E", exception.Problem, StringComparison.Ordinal);
    }

    public void Dispose() => _fixture.Dispose();
}
