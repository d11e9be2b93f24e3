using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger replay</c> (issue 17): endpoint mode against a real Kestrel endpoint, not-replayable cases, bad input.</summary>
public sealed class ReplayCommandTests
{
    [Fact]
    public async Task Replay_Endpoint_MatchesUnchangedDecisions_ReportsTheChangedOneFieldByField_AndRecordsAVerifiableEvent()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp, subject: null);

        // Today's model: the same as the recorded one (score = 2x) except for x = 3, where it now says 6.5.
        await using WebApplication endpoint = await StartEndpointAsync(x => x == 3 ? 6.5 : 2 * x);
        CliResult replay = await CliRun.RunAsync("replay", "--model", "scorer", "--endpoint", endpoint.Urls.First() + "/score", "--map", "output.score=$.probability", "--ledger", temp.Ledger, "--json");

        Assert.True(replay.ExitCode == 1, replay.ToString());
        using JsonDocument json = JsonDocument.Parse(replay.Out);
        JsonElement root = json.RootElement;
        Assert.Equal(4, root.GetProperty("matched").GetInt32());
        Assert.Equal(1, root.GetProperty("differed").GetInt32());
        Assert.Equal(0, root.GetProperty("notReplayable").GetInt32());
        JsonElement differed = root.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("outcome").GetString() == "differed");
        Assert.Equal(3, differed.GetProperty("seq").GetInt64());
        JsonElement difference = Assert.Single(differed.GetProperty("differences").EnumerateArray());
        Assert.Equal("output.score", difference.GetProperty("path").GetString());
        Assert.Equal(6, difference.GetProperty("recorded").GetDouble());
        Assert.Equal(6.5, difference.GetProperty("replayed").GetDouble());
        Assert.Equal("$.probability", root.GetProperty("parameters").GetProperty("map:output.score").GetString());

        long eventSeq = root.GetProperty("eventSeq").GetInt64();
        Assert.Equal(5, eventSeq);
        CliResult show = await CliRun.RunAsync("show", "--seq", eventSeq.ToString(CultureInfo.InvariantCulture), "--ledger", temp.Ledger, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using JsonDocument shown = JsonDocument.Parse(show.Out);
        JsonElement entry = shown.RootElement.GetProperty("entry");
        Assert.Equal("replay", entry.GetProperty("kind").GetString());
        Assert.Equal(1, entry.GetProperty("event").GetProperty("differed").GetInt32());
        Assert.Equal([3L], entry.GetProperty("event").GetProperty("differedSeqs").EnumerateArray().Select(e => e.GetInt64()));

        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Replay_Endpoint_HumanOutput_ShowsTheDiffAndTheEvent()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp, subject: null);
        await using WebApplication endpoint = await StartEndpointAsync(x => x == 1 ? 0 : 2 * x);

        CliResult replay = await CliRun.RunAsync("replay", "--seq", "1", "--endpoint", endpoint.Urls.First() + "/score", "--map", "output.score=$.probability", "--ledger", temp.Ledger);

        Assert.True(replay.ExitCode == 1, replay.ToString());
        Assert.Contains("0 matched, 1 differed, 0 not replayable", replay.Out, StringComparison.Ordinal);
        Assert.Contains("output.score: recorded 2, replayed 0", replay.Out, StringComparison.Ordinal);
        Assert.Contains("Recorded as replay event seq 5.", replay.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_ErasedInput_IsNotReplayable_AndTheScorerIsNeverCalled()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp, subject: "customer-9");
        CliResult erase = await CliRun.RunAsync("erase", "--subject", "customer-9", "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.True(erase.ExitCode == 0, erase.ToString());
        int calls = 0;
        await using WebApplication endpoint = await StartEndpointAsync(x => 2 * x, () => Interlocked.Increment(ref calls));

        CliResult replay = await CliRun.RunAsync("replay", "--request-id", "r-2", "--endpoint", endpoint.Urls.First() + "/score", "--ledger", temp.Ledger, "--json");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        using JsonDocument json = JsonDocument.Parse(replay.Out);
        JsonElement result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("not-replayable", result.GetProperty("outcome").GetString());
        Assert.Equal("input-erased", result.GetProperty("reason").GetString());
        Assert.Contains("erasure entry seq 5", result.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, json.RootElement.GetProperty("notReplayable").GetInt32());
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Replay_Artifacts_DecisionWithoutDigest_IsNotReplayable()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp, subject: null);
        string artifacts = Directory.CreateDirectory(Path.Combine(temp.Root, "artifacts")).FullName;

        CliResult replay = await CliRun.RunAsync("replay", "--seq", "0", "--artifacts", artifacts, "--no-record", "--ledger", temp.Ledger, "--json");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        using JsonDocument json = JsonDocument.Parse(replay.Out);
        JsonElement result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("no-artifact-digest", result.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("eventSeq").ValueKind);
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        using JsonDocument verified = JsonDocument.Parse(verify.Out);
        Assert.Equal(5, verified.RootElement.GetProperty("treeSize").GetInt64());
    }

    [Theory]
    [InlineData("--endpoint|http://127.0.0.1:9/score", "--seq, --request-id, --model")]
    [InlineData("--seq|0|--model|scorer|--endpoint|http://127.0.0.1:9/score", "--seq, --request-id, --model")]
    [InlineData("--seq|0", "--artifacts, --endpoint")]
    [InlineData("--seq|0|--endpoint|ftp://example/score", "--endpoint")]
    [InlineData("--seq|0|--endpoint|http://127.0.0.1:9/score|--tolerance|output.score=abc", "--tolerance")]
    [InlineData("--seq|0|--endpoint|http://127.0.0.1:9/score|--tolerance|score=1", "--tolerance")]
    [InlineData("--seq|0|--endpoint|http://127.0.0.1:9/score|--map|score", "--map")]
    [InlineData("--model|scorer|--sample|0|--endpoint|http://127.0.0.1:9/score", "--sample")]
    [InlineData("--seq|0|--sample|3|--endpoint|http://127.0.0.1:9/score", "--sample")]
    [InlineData("--seq|99|--endpoint|http://127.0.0.1:9/score", "--seq: no entry 99")]
    [InlineData("--model|nothing|--endpoint|http://127.0.0.1:9/score", "--model: no decisions of 'nothing'")]
    [InlineData("--seq|0|--artifacts|/nonexistent/models", "--artifacts")]
    public async Task Replay_BadInput_ExitsTwoNamingTheOption(string arguments, string named)
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp, subject: null);

        CliResult result = await CliRun.RunAsync(["replay", .. arguments.Split('|'), "--ledger", temp.Ledger]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    private static async Task InitAndRecordAsync(TempLedger temp, string? subject)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/replay", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
        var lines = new System.Text.StringBuilder();
        for (int x = 0; x < 5; x++)
        {
            string subjectJson = subject is null ? string.Empty : $",\"subject\":{{\"id\":\"{subject}\"}}";
            lines.Append(CultureInfo.InvariantCulture, $"{{\"requestId\":\"r-{x}\",\"model\":{{\"name\":\"scorer\",\"version\":\"1\"}},\"input\":{{\"x\":{x}}},\"output\":{{\"score\":{2 * x},\"label\":\"ok\"}}{subjectJson}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    // A real HTTP model: reads {"x": n} and answers {"probability": f(n), "label": "ok"}.
    private static async Task<WebApplication> StartEndpointAsync(Func<double, double> model, Action? onCall = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/score", async (HttpContext context) =>
        {
            onCall?.Invoke();
            using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body);
            double x = body.RootElement.GetProperty("x").GetDouble();
            return Results.Json(new { probability = model(x), label = "ok" });
        });
        await app.StartAsync();
        return app;
    }
}
