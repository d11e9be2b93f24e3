using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class SubjectReportTests
{
    [Fact]
    public async Task SubjectReport_DemoSubject_CountsAsManyAsQueryAndListsTopFactors()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "300", "--ledger", temp.Ledger)).ExitCode);
        string subject = await BusiestSubjectAsync(temp.Ledger);

        CliResult query = await CliRun.RunAsync("query", "--subject", subject, "--limit", "10000", "--ledger", temp.Ledger, "--json");
        CliResult report = await CliRun.RunAsync("subject-report", "--subject", subject, "--ledger", temp.Ledger, "--json");

        Assert.True(report.ExitCode == 0, report.ToString());
        using JsonDocument queried = JsonDocument.Parse(query.Out);
        using JsonDocument reported = JsonDocument.Parse(report.Out);
        JsonElement[] entries = queried.RootElement.GetProperty("entries").EnumerateArray().ToArray();
        JsonElement[] decisions = reported.RootElement.GetProperty("decisions").EnumerateArray().ToArray();
        Assert.True(entries.Length >= 2, $"the busiest demo subject has {entries.Length} decisions");
        Assert.Equal(entries.Length, reported.RootElement.GetProperty("decisionCount").GetInt64());
        Assert.Equal(entries.Select(e => e.GetProperty("seq").GetInt64()), decisions.Select(d => d.GetProperty("seq").GetInt64()));

        JsonElement known = entries.First(e => e.TryGetProperty("explanation", out _));
        long seq = known.GetProperty("seq").GetInt64();
        var expected = known.GetProperty("explanation").GetProperty("attributions").EnumerateObject()
            .OrderByDescending(a => Math.Abs(a.Value.GetDouble()))
            .Take(3)
            .Select(a => (a.Name, a.Value.GetDouble()))
            .ToArray();
        JsonElement decision = decisions.Single(d => d.GetProperty("seq").GetInt64() == seq);
        Assert.Equal(expected, decision.GetProperty("mainFactors").EnumerateArray().Select(f => (f.GetProperty("feature").GetString()!, f.GetProperty("attribution").GetDouble())).ToArray());
        Assert.Equal(known.GetProperty("output").GetRawText(), decision.GetProperty("output").GetRawText());
        Assert.Equal(300, reported.RootElement.GetProperty("checkpoint").GetProperty("treeSize").GetInt64());
    }

    [Fact]
    public async Task SubjectReport_UnknownSubject_ExitsTwoWithMessage()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "50", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunAsync("subject-report", "--subject", "customer-none", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no decisions about 'customer-none'", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task SubjectReport_Text_DescribesDecisionsAndNamesTheCheckpoint()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "100", "--ledger", temp.Ledger);
        string subject = await BusiestSubjectAsync(temp.Ledger);
        string note = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;

        CliResult result = await CliRun.RunAsync("subject-report", "--subject", subject, "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Automated decisions about {subject}", result.Out, StringComparison.Ordinal);
        Assert.Contains("decided: ", result.Out, StringComparison.Ordinal);
        Assert.Contains("signed checkpoint of tree size 100", result.Out, StringComparison.Ordinal);
        Assert.Contains(note.TrimEnd('\n'), result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectReport_HtmlOutWithScriptInSubjectAndOutput_WritesEscapedFile()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        const string Decision = """{"model":{"name":"m","version":"1"},"input":{"a":1},"output":{"label":"<script>alert(1)</script>"},"subject":{"id":"<script>evil()</script>"}}""";
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Decision + "\n", null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        string file = Path.Combine(temp.Root, "report.html");

        CliResult result = await CliRun.RunAsync("subject-report", "--subject", "<script>evil()</script>", "--format", "html", "--out", file, "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Out);
        string html = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;evil()&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public async Task SubjectReport_HtmlFormatWithJsonFlag_ExitsTwo()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "20", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunAsync("subject-report", "--subject", "customer-0001", "--format", "html", "--ledger", temp.Ledger, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--format html conflicts with --json", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string> BusiestSubjectAsync(string ledger)
    {
        CliResult all = await CliRun.RunAsync("query", "--limit", "10000", "--ledger", ledger, "--json");
        using JsonDocument document = JsonDocument.Parse(all.Out);
        return document.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => e.TryGetProperty("subject", out _))
            .GroupBy(e => e.GetProperty("subject").GetProperty("id").GetString()!)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
    }
}
