using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>dledger report …</c> against a real SQLite ledger recorded from known decisions: model
/// <c>fraud_detector</c> serves version 1.0 on 1 March, 2.0 on 2 March and 1.0 again on 3 March
/// (one decision an hour), with three decisions of another model recorded between 1.0 and 2.0.
/// </summary>
public sealed class ReportCommandTests
{
    private static readonly DateTimeOffset March1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Known[] Decisions = BuildKnown();

    [Fact]
    public async Task Usage_KnownLedger_ExactCountsAndPercentilesWithinOnePercent()
    {
        using var temp = new TempLedger();
        string note = await RecordKnownAsync(temp);

        CliResult result = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        JsonElement root = document.RootElement;
        Known[] fraud = Decisions.Where(d => d.Model == "fraud_detector").ToArray();
        Assert.Equal("usage", root.GetProperty("report").GetString());
        AssertCheckpoint(root, note, Decisions.Length);
        Assert.Equal(25, root.GetProperty("total").GetInt64());
        Assert.Equal(1, root.GetProperty("failures").GetInt64());
        Assert.Equal(4, root.GetProperty("uniqueUsers").GetInt64());
        Assert.Equal("2026-03-01T00:00:00.000000Z", root.GetProperty("first").GetString());
        Assert.Equal("2026-03-03T04:00:00.000000Z", root.GetProperty("last").GetString());
        Assert.Equal(
            [("1.0", 15L, "2026-03-01T00:00:00.000000Z", "2026-03-03T04:00:00.000000Z"), ("2.0", 10L, "2026-03-02T00:00:00.000000Z", "2026-03-02T09:00:00.000000Z")],
            root.GetProperty("versions").EnumerateArray().Select(v => (v.GetProperty("version").GetString()!, v.GetProperty("count").GetInt64(), v.GetProperty("first").GetString()!, v.GetProperty("last").GetString()!)));
        Assert.Equal(
            [("legit", 16L), ("fraud", 8L), (null, 1L)],
            root.GetProperty("outcomes").EnumerateArray().Select(o => (o.GetProperty("value").GetString(), o.GetProperty("count").GetInt64())));
        Assert.Equal(
            [("2026-03-01T00:00:00.000000Z", "1.0", 10L), ("2026-03-02T00:00:00.000000Z", "2.0", 10L), ("2026-03-03T00:00:00.000000Z", "1.0", 5L)],
            root.GetProperty("overTime").EnumerateArray().Select(b => (b.GetProperty("bucketStart").GetString()!, b.GetProperty("version").GetString()!, b.GetProperty("count").GetInt64())));

        double[] latencies = fraud.Select(d => d.LatencyMs).Order().ToArray();
        JsonElement latency = root.GetProperty("latencyMs");
        Assert.Equal(25, latency.GetProperty("count").GetInt64());
        Assert.Equal(latencies.Average(), latency.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(latencies[^1], latency.GetProperty("max").GetDouble());
        foreach ((string name, double q) in new[] { ("p50", 0.50), ("p95", 0.95), ("p99", 0.99) })
        {
            double exact = latencies[(int)Math.Ceiling(q * latencies.Length) - 1];
            double reported = latency.GetProperty(name).GetDouble();
            Assert.True(Math.Abs(reported - exact) <= 0.01 * exact, $"{name}: reported {reported}, exact nearest-rank {exact}");
        }
    }

    [Fact]
    public async Task Usage_VersionAndTimeFilters_CountOnlyTheSelection()
    {
        using var temp = new TempLedger();
        await RecordKnownAsync(temp);

        CliResult version = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--version", "1.0", "--ledger", temp.Ledger, "--json");
        CliResult range = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--bucket", "hour", "--ledger", temp.Ledger, "--json");
        CliResult score = await CliRun.RunAsync("report", "usage", "--model", "other", "--outcome", "output.score", "--ledger", temp.Ledger, "--json");

        using JsonDocument byVersion = JsonDocument.Parse(version.Out);
        Assert.Equal(15, byVersion.RootElement.GetProperty("total").GetInt64());
        Assert.Equal("1.0", byVersion.RootElement.GetProperty("filters").GetProperty("version").GetString());
        using JsonDocument byRange = JsonDocument.Parse(range.Out);
        Assert.Equal(10, byRange.RootElement.GetProperty("total").GetInt64());
        Assert.Equal("2026-03-02T00:00:00.000000Z", byRange.RootElement.GetProperty("filters").GetProperty("from").GetString());
        Assert.Equal(10, byRange.RootElement.GetProperty("overTime").GetArrayLength());
        using JsonDocument byScore = JsonDocument.Parse(score.Out);
        Assert.Equal("output.score", byScore.RootElement.GetProperty("outcomeField").GetString());
        Assert.Equal([("0.5", 3L)], byScore.RootElement.GetProperty("outcomes").EnumerateArray().Select(o => (o.GetProperty("value").GetString()!, o.GetProperty("count").GetInt64())));
    }

    [Fact]
    public async Task VersionTimeline_KnownLedger_PeriodsChangePointsAndVersionAtTime()
    {
        using var temp = new TempLedger();
        string note = await RecordKnownAsync(temp);

        CliResult result = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--at", "2026-03-02T05:30:00Z", "--ledger", temp.Ledger, "--json");
        CliResult before = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--at", "2026-02-01", "--ledger", temp.Ledger, "--json");
        CliResult atChange = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--at", "2026-03-03T00:00:00Z", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        JsonElement root = document.RootElement;
        AssertCheckpoint(root, note, Decisions.Length);
        Assert.Equal("2.0", root.GetProperty("versionAt").GetString());
        Assert.Equal("2026-03-02T05:30:00.000000Z", root.GetProperty("at").GetString());
        Assert.Equal(
            [("1.0", "2026-03-01T00:00:00.000000Z", "2026-03-01T09:00:00.000000Z", 10L, 0L, 9L), ("2.0", "2026-03-02T00:00:00.000000Z", "2026-03-02T09:00:00.000000Z", 10L, 13L, 22L), ("1.0", "2026-03-03T00:00:00.000000Z", "2026-03-03T04:00:00.000000Z", 5L, 23L, 27L)],
            root.GetProperty("periods").EnumerateArray().Select(p => (p.GetProperty("version").GetString()!, p.GetProperty("from").GetString()!, p.GetProperty("to").GetString()!, p.GetProperty("count").GetInt64(), p.GetProperty("firstSeq").GetInt64(), p.GetProperty("lastSeq").GetInt64())));
        Assert.Equal(
            [("2026-03-02T00:00:00.000000Z", 13L, "1.0", "2.0"), ("2026-03-03T00:00:00.000000Z", 23L, "2.0", "1.0")],
            root.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("at").GetString()!, c.GetProperty("seq").GetInt64(), c.GetProperty("fromVersion").GetString()!, c.GetProperty("toVersion").GetString()!)));
        using JsonDocument beforeDocument = JsonDocument.Parse(before.Out);
        Assert.Equal(JsonValueKind.Null, beforeDocument.RootElement.GetProperty("versionAt").ValueKind);
        using JsonDocument atChangeDocument = JsonDocument.Parse(atChange.Out);
        Assert.Equal("1.0", atChangeDocument.RootElement.GetProperty("versionAt").GetString());
    }

    [Fact]
    public async Task DataAccess_KnownLedger_DecisionsSubjectsAndModelsPerUser()
    {
        using var temp = new TempLedger();
        string note = await RecordKnownAsync(temp);

        CliResult result = await CliRun.RunAsync("report", "data-access", "--ledger", temp.Ledger, "--json");
        CliResult one = await CliRun.RunAsync("report", "data-access", "--user", "u1", "--from", "2026-03-02", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        AssertCheckpoint(document.RootElement, note, Decisions.Length);
        var expected = Decisions.GroupBy(d => d.User).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (long)g.Count(), (long)g.Select(d => d.Subject).Distinct().Count(), string.Join(",", g.Select(d => d.Model).Distinct().Order(StringComparer.Ordinal))))
            .ToArray();
        Assert.Equal(expected, document.RootElement.GetProperty("users").EnumerateArray().Select(u => (
            u.GetProperty("user").GetString()!,
            u.GetProperty("decisions").GetInt64(),
            u.GetProperty("subjects").GetInt64(),
            string.Join(",", u.GetProperty("models").EnumerateArray().Select(m => m.GetString())))));
        using JsonDocument filtered = JsonDocument.Parse(one.Out);
        JsonElement u1 = Assert.Single(filtered.RootElement.GetProperty("users").EnumerateArray());
        Assert.Equal(Decisions.Count(d => d.User == "u1" && d.Time >= March1.AddDays(1)), u1.GetProperty("decisions").GetInt64());
    }

    [Fact]
    public async Task AccessLog_NoReads_IsAnEmptyListNamingTheCheckpoint()
    {
        using var temp = new TempLedger();
        string note = await RecordKnownAsync(temp);

        CliResult result = await CliRun.RunAsync("report", "access-log", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        Assert.Equal("access-log", document.RootElement.GetProperty("report").GetString());
        AssertCheckpoint(document.RootElement, note, Decisions.Length);
        Assert.Equal(0, document.RootElement.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Report_CsvAndHtmlToFile_WritesTheTableAndThePage()
    {
        using var temp = new TempLedger();
        await RecordKnownAsync(temp);
        string csvFile = Path.Combine(temp.Root, "timeline.csv");
        string htmlFile = Path.Combine(temp.Root, "usage.html");

        CliResult csv = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--format", "csv", "--out", csvFile, "--ledger", temp.Ledger);
        CliResult html = await CliRun.RunAsync("report", "usage", "--model", "fraud_detector", "--format", "html", "--out", htmlFile, "--ledger", temp.Ledger);

        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.Equal(string.Empty, csv.Out);
        Assert.Contains("Wrote the version-timeline report (csv", csv.Error, StringComparison.Ordinal);
        string[] lines = File.ReadAllText(csvFile).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("fraud_detector,2.0,2026-03-02T00:00:00.000000Z,2026-03-02T09:00:00.000000Z,10,13,22,test.example/reports,28,", lines[2], StringComparison.Ordinal);
        Assert.True(html.ExitCode == 0, html.ToString());
        string page = File.ReadAllText(htmlFile);
        Assert.Contains("<svg class=\"chart\"", page, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_HostileValues_AreEscapedInHtmlAndDefusedInCsv()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "test.example/hostile", "--ledger", temp.Ledger)).ExitCode);
        string line = """{"model":{"name":"<script>alert(1)</script>","version":"=HYPERLINK(\"http://x\")"},"input":{"a":1},"output":{"label":"+cmd|' /C calc'!A0,\"quoted\"\nnext"},"actor":{"userId":"@evil"}}""";
        CliResult recorded = await CliRun.RunWithInputAsync(line + "\n", null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(recorded.ExitCode == 0, recorded.ToString());

        CliResult html = await CliRun.RunAsync("report", "usage", "--model", "<script>alert(1)</script>", "--format", "html", "--ledger", temp.Ledger);
        CliResult csv = await CliRun.RunAsync("report", "usage", "--model", "<script>alert(1)</script>", "--format", "csv", "--ledger", temp.Ledger);
        CliResult access = await CliRun.RunAsync("report", "data-access", "--format", "csv", "--ledger", temp.Ledger);

        Assert.True(html.ExitCode == 0, html.ToString());
        Assert.DoesNotContain("<script>", html.Out, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html.Out, StringComparison.Ordinal);
        Assert.Contains("\r\nversion,count,\"'=HYPERLINK(\"\"http://x\"\")\",,1,", csv.Out, StringComparison.Ordinal);
        Assert.Contains("outcome,\"'+cmd|' /C calc'!A0,\"\"quoted\"\"\nnext\",,,1,", csv.Out, StringComparison.Ordinal);
        Assert.Contains("\r\n'@evil,1,0,", access.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "report", "usage")]
    [InlineData("--model", "report", "version-timeline")]
    [InlineData("--format", "report", "usage", "--model", "m", "--format", "xml")]
    [InlineData("--bucket", "report", "usage", "--model", "m", "--bucket", "week")]
    [InlineData("--from", "report", "usage", "--model", "m", "--from", "yesterday")]
    [InlineData("--to", "report", "usage", "--model", "m", "--from", "2026-03-02", "--to", "2026-03-01")]
    [InlineData("--outcome", "report", "usage", "--model", "m", "--outcome", "input.amount")]
    [InlineData("--at", "report", "version-timeline", "--model", "m", "--at", "noon")]
    [InlineData("--json", "report", "data-access", "--format", "csv", "--json")]
    [InlineData("--out", "report", "access-log", "--out", ".")]
    public async Task Report_BadArgument_ExitsTwoNamingTheOption(string option, params string[] args)
    {
        using var temp = new TempLedger();
        await RecordKnownAsync(temp);

        CliResult result = await CliRun.RunAsync([.. args, "--ledger", temp.Ledger]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task Report_LedgerWithoutCheckpoint_ExitsTwoSayingHowToMakeOne()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "test.example/empty", "--ledger", temp.Ledger)).ExitCode);

        CliResult result = await CliRun.RunAsync("report", "data-access", "--ledger", temp.Ledger, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("dledger checkpoint --new", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Filtered_BundleCarriesReportsAndStillVerifies_TamperedEntryStillFails()
    {
        using var temp = new TempLedger();
        await RecordKnownAsync(temp);
        string bundle = Path.Combine(temp.Root, "bundle");
        string key = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();

        CliResult export = await CliRun.RunAsync("export", "--out", bundle, "--model", "fraud_detector", "--ledger", temp.Ledger);

        Assert.True(export.ExitCode == 0, export.ToString());
        string usage = File.ReadAllText(Path.Combine(bundle, "reports", "fraud_detector", "usage.html"));
        string timeline = File.ReadAllText(Path.Combine(bundle, "reports", "fraud_detector", "version-timeline.html"));
        Assert.Contains("<td class=\"num\">25</td>", usage, StringComparison.Ordinal);
        Assert.Contains(File.ReadAllText(Path.Combine(bundle, "checkpoint")).Split('\n')[2], usage, StringComparison.Ordinal);
        Assert.Contains("<td>2.0</td><td>1.0</td>", timeline, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(bundle, "reports", "other")));
        Assert.Equal(25, File.ReadAllLines(Path.Combine(bundle, "proofs.jsonl")).Length);
        CliResult verified = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", key);
        Assert.True(verified.ExitCode == 0, verified.ToString());

        string entries = Path.Combine(bundle, "entries.jsonl");
        string[] lines = File.ReadAllLines(entries);
        string original = lines[5];
        lines[5] = lines[5].Replace("\"legit\"", "\"fraud\"", StringComparison.Ordinal);
        Assert.NotEqual(original, lines[5]);
        File.WriteAllText(entries, string.Join('\n', lines) + "\n");
        CliResult tampered = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", key);
        Assert.Equal(1, tampered.ExitCode);
    }

    [Fact]
    public async Task Export_IntoDirectoryWithReports_IsRefused()
    {
        using var temp = new TempLedger();
        await RecordKnownAsync(temp);
        string bundle = Path.Combine(temp.Root, "bundle");
        Directory.CreateDirectory(Path.Combine(bundle, "reports"));

        CliResult export = await CliRun.RunAsync("export", "--out", bundle, "--ledger", temp.Ledger);

        Assert.Equal(2, export.ExitCode);
        Assert.Contains("already holds an evidence bundle (reports)", export.Error, StringComparison.Ordinal);
    }

    private static void AssertCheckpoint(JsonElement root, string note, long treeSize)
    {
        JsonElement checkpoint = root.GetProperty("checkpoint");
        Assert.Equal("test.example/reports", checkpoint.GetProperty("origin").GetString());
        Assert.Equal(treeSize, checkpoint.GetProperty("treeSize").GetInt64());
        Assert.Equal(note.Split('\n')[2], checkpoint.GetProperty("rootHash").GetString());
        Assert.Equal(note, checkpoint.GetProperty("note").GetString());
    }

    /// <summary>Records <see cref="Decisions"/> into a new ledger (which signs a checkpoint at the end) and returns that checkpoint's note.</summary>
    private static async Task<string> RecordKnownAsync(TempLedger temp)
    {
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "test.example/reports", "--ledger", temp.Ledger)).ExitCode);
        var ndjson = new StringBuilder();
        foreach (Known d in Decisions)
        {
            string output = d.Label is null ? """{"error":"feature store timeout"}""" : $$"""{"label":"{{d.Label}}","score":0.5}""";
            ndjson.Append(CultureInfo.InvariantCulture, $$"""{"timestamp":"{{d.Time:yyyy-MM-ddTHH:mm:ssZ}}","model":{"name":"{{d.Model}}","version":"{{d.Version}}"},"input":{"i":1},"output":{{output}},"actor":{"userId":"{{d.User}}"},"subject":{"id":"{{d.Subject}}"},"latencyMs":{{d.LatencyMs}}}""").Append('\n');
        }

        CliResult recorded = await CliRun.RunWithInputAsync(ndjson.ToString(), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger);
        Assert.Contains($"\n{Decisions.Length}\n", checkpoint.Out, StringComparison.Ordinal);
        return checkpoint.Out;
    }

    private static Known[] BuildKnown()
    {
        var list = new List<Known>();
        for (int i = 0; i < 10; i++)
        {
            list.Add(new Known("fraud_detector", "1.0", March1.AddHours(i), "u" + (i % 3), "s" + (i % 5), i % 4 == 0 ? "fraud" : "legit", i + 1));
        }

        for (int i = 0; i < 3; i++)
        {
            list.Add(new Known("other", "9", March1.AddHours(12 + i), "u_other", "s-other", "legit", 1));
        }

        for (int i = 0; i < 10; i++)
        {
            list.Add(new Known("fraud_detector", "2.0", March1.AddDays(1).AddHours(i), "u" + (i % 4), "s" + (i % 7), i == 9 ? null : i % 4 == 0 ? "fraud" : "legit", 100 * (i + 1)));
        }

        for (int i = 0; i < 5; i++)
        {
            list.Add(new Known("fraud_detector", "1.0", March1.AddDays(2).AddHours(i), "u" + (i % 3), "s" + (10 + i), i % 4 == 0 ? "fraud" : "legit", i + 1));
        }

        return [.. list];
    }

    private sealed record Known(string Model, string Version, DateTimeOffset Time, string User, string Subject, string? Label, double LatencyMs);
}
