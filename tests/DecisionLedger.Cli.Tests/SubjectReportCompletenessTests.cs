using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>subject-report</c> on an entry format 2 ledger states whether the ledger proves the list complete: the proof is
/// built against the report's checkpoint and checked in-process; a v1 ledger's report is unchanged; and the
/// informative reports inside a subject bundle find the subject's v2 decisions by its ref.
/// </summary>
public sealed class SubjectReportCompletenessTests
{
    [Fact]
    public async Task SubjectReport_V2SubjectWithSeveralDecisions_Json_CarriesTheCheckedProof()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), (null, "fraud"), ("alice", "fraud"), ("bob", "credit"), ("alice", "fraud"));

        CliResult report = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger, "--json");

        Assert.True(report.ExitCode == 0, report.ToString());
        using JsonDocument document = JsonDocument.Parse(report.Out);
        JsonElement root = document.RootElement;
        Assert.Equal(4, root.GetProperty("decisionCount").GetInt64());
        JsonElement completeness = root.GetProperty("completeness");
        Assert.Equal("proven", completeness.GetProperty("outcome").GetString());
        string subjectRef = completeness.GetProperty("subjectRef").GetString()!;
        Assert.Equal(22, subjectRef.Length);
        JsonElement result = completeness.GetProperty("result");
        Assert.True(result.GetProperty("complete").GetBoolean());
        Assert.Equal(4, result.GetProperty("found").GetInt64());
        Assert.Equal(4, result.GetProperty("expected").GetInt64());
        Assert.Equal(JsonValueKind.Null, completeness.GetProperty("finding").ValueKind);
        JsonElement proof = completeness.GetProperty("proof");
        Assert.Equal("s:" + subjectRef, proof.GetProperty("key").GetString());
        long treeSize = root.GetProperty("checkpoint").GetProperty("treeSize").GetInt64();
        Assert.Equal(treeSize, proof.GetProperty("treeSize").GetInt64());
        Assert.Equal(treeSize - 1, proof.GetProperty("upper").GetProperty("headsSeq").GetInt64());
        Assert.Equal(
            root.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("seq").GetInt64()),
            proof.GetProperty("chain").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Contains("All 4 decisions about you recorded since", completeness.GetProperty("statement").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectReport_V2_TextAndHtml_StateWhatIsProvenInOneSentence()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        string file = Path.Combine(temp.Root, "report.html");

        CliResult text = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger);
        CliResult html = await CliRun.RunAsync("subject-report", "--subject", "alice", "--format", "html", "--out", file, "--ledger", temp.Ledger);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches(@"All 2 decisions about you recorded since \S.* are listed; the ledger proves none is missing\.", text.Out);
        Assert.True(html.ExitCode == 0, html.ToString());
        Assert.Contains("<p class=\"completeness\">All 2 decisions about you recorded since", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectReport_AcrossTheSwitch_ProvesTheV2PartAndSaysTheEarlierOnesAreNotCovered()
    {
        using var temp = new TempLedger();
        await InitV1Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        SwitchToV2(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "credit"), ("bob", "fraud"));

        CliResult text = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("The ledger holds 4 automated decisions about you", text.Out, StringComparison.Ordinal);
        Assert.Contains("All 2 decisions about you recorded since", text.Out, StringComparison.Ordinal);
        Assert.Contains("The other 2 decisions listed were recorded before then, without the links that prove completeness.", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectReport_SubjectUnseenSinceTheSwitch_SaysNothingIsProvenAndWhy()
    {
        using var temp = new TempLedger();
        await InitV1Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"));
        SwitchToV2(temp);
        await RecordAsync(temp, ("bob", "fraud"));

        CliResult text = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger);
        CliResult json = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("The ledger cannot prove this list is complete: it has recorded no decision about you since", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("proves none is missing", text.Out, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(json.Out);
        JsonElement completeness = document.RootElement.GetProperty("completeness");
        Assert.Equal("subject-unknown", completeness.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, completeness.GetProperty("proof").ValueKind);
        Assert.Equal(JsonValueKind.Null, completeness.GetProperty("result").ValueKind);
        Assert.Contains("no ref for subject 'alice'", completeness.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectReport_V1Ledger_HasNoCompletenessSection()
    {
        using var temp = new TempLedger();
        await InitV1Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "fraud"));

        CliResult text = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger);
        CliResult json = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.DoesNotContain("complete", text.Out, StringComparison.OrdinalIgnoreCase);
        using JsonDocument document = JsonDocument.Parse(json.Out);
        Assert.False(document.RootElement.TryGetProperty("completeness", out _));
    }

    [Fact]
    public async Task SubjectReport_ChainEntryRepointedInTheStore_ReportsTheFailedProofAndItsFinding()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"), ("alice", "credit"));
        using (JsonDocument before = JsonDocument.Parse((await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger, "--json")).Out))
        {
            // The newest entry about alice now claims to be her first: the chain skips her two earlier decisions.
            long newest = before.RootElement.GetProperty("decisions")[0].GetProperty("seq").GetInt64();
            string body = Encoding.UTF8.GetString((byte[])SqliteTamper.Scalar(temp, $"SELECT body FROM entries WHERE seq = {newest}")!);
            JsonObject entry = JsonNode.Parse(body)!.AsObject();
            long previous = entry["prev"]!["subject"]!.GetValue<long>();
            Assert.True(previous >= 0);
            string tampered = body.Replace($",\"subject\":{previous.ToString(CultureInfo.InvariantCulture)}}}", ",\"subject\":-1}", StringComparison.Ordinal);
            Assert.NotEqual(body, tampered);
            SqliteTamper.Execute(temp, $"UPDATE entries SET body = $body WHERE seq = {newest};", ("$body", Encoding.UTF8.GetBytes(tampered)));
        }

        CliResult json = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger, "--json");
        CliResult text = await CliRun.RunAsync("subject-report", "--subject", "alice", "--ledger", temp.Ledger);

        Assert.True(json.ExitCode == 0, json.ToString());
        using JsonDocument document = JsonDocument.Parse(json.Out);
        JsonElement completeness = document.RootElement.GetProperty("completeness");
        Assert.Equal("failed", completeness.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, completeness.GetProperty("result").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, completeness.GetProperty("finding").ValueKind);
        Assert.Contains("WARNING: the ledger could not prove that this list is complete", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("proves none is missing", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_V2Subject_BundleReportsCountTheSubjectsDecisionsByRef()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), ("alice", "fraud"));
        string bundle = Path.Combine(temp.Root, "bundle");

        CliResult export = await CliRun.RunAsync("export", "--out", bundle, "--subject", "alice", "--ledger", temp.Ledger);

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(File.Exists(Path.Combine(bundle, "reports", "fraud", "usage.html")), "no usage report for the model fraud");
        Assert.True(File.Exists(Path.Combine(bundle, "reports", "credit", "usage.html")), "no usage report for the model credit");
        Assert.False(Directory.Exists(Path.Combine(bundle, "reports", "other")));
    }

    private static async Task InitV2Async(TempLedger temp)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/report", "--entry-format", "2", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
    }

    private static async Task InitV1Async(TempLedger temp)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/report", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
    }

    private static void SwitchToV2(TempLedger temp)
    {
        string configPath = Path.Combine(temp.Ledger, "ledger.json");
        string config = File.ReadAllText(configPath);
        Assert.Contains("\"entryFormat\": 1", config, StringComparison.Ordinal);
        File.WriteAllText(configPath, config.Replace("\"entryFormat\": 1", "\"entryFormat\": 2", StringComparison.Ordinal));
    }

    private static async Task RecordAsync(TempLedger temp, params (string? Subject, string Model)[] decisions)
    {
        var lines = new StringBuilder();
        foreach ((string? subject, string model) in decisions)
        {
            string subjectPart = subject is null ? string.Empty : $",\"subject\":{{\"id\":\"{subject}\"}}";
            lines.Append(CultureInfo.InvariantCulture, $"{{\"model\":{{\"name\":\"{model}\",\"version\":\"1.0\"}},\"input\":{{\"amount\":{lines.Length}}},\"output\":{{\"score\":0.5}}{subjectPart}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }
}
