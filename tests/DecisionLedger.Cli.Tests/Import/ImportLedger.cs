using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary>A fresh ledger for one import test, the repository's import fixtures, and the reads the tests check with.</summary>
internal sealed class ImportLedger : IDisposable
{
    private readonly TempLedger _temp = new();

    public string Root => _temp.Root;

    public string Ledger => _temp.Ledger;

    /// <summary>A fixture shipped in docs/examples/import (the files the docs' commands use).</summary>
    public static string Fixture(string name)
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "docs", "examples", "import", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"docs/examples/import/{name} not found above {AppContext.BaseDirectory}");
    }

    public static async Task<ImportLedger> CreateAsync(params string[] initOptions)
    {
        var ledger = new ImportLedger();
        CliResult init = await CliRun.RunAsync(["init", "--ledger", ledger.Ledger, "--origin", "t.example/import", .. initOptions]);
        Assert.True(init.ExitCode == 0, init.ToString());
        return ledger;
    }

    /// <summary>Runs <c>dledger import --json</c> on this ledger and parses its report.</summary>
    public async Task<(CliResult Result, JsonElement Report)> ImportAsync(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(["--json", "import", "--ledger", Ledger, .. args]);
        Assert.True(result.Out.Length > 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        return (result, document.RootElement.Clone());
    }

    /// <summary>The stored entry at <paramref name="seq"/> with its held input (<c>dledger show --json</c>).</summary>
    public async Task<JsonElement> ShowAsync(long seq)
    {
        CliResult shown = await CliRun.RunAsync("--json", "show", "--seq", seq.ToString(CultureInfo.InvariantCulture), "--ledger", Ledger);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using JsonDocument document = JsonDocument.Parse(shown.Out);
        return document.RootElement.Clone();
    }

    /// <summary>Every decision entry with its input, by request id.</summary>
    public async Task<Dictionary<string, JsonElement>> DecisionsAsync(long treeSize)
    {
        var decisions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        for (long seq = 0; seq < treeSize; seq++)
        {
            JsonElement shown = await ShowAsync(seq);
            if (shown.GetProperty("kind").GetString() == "decision")
            {
                decisions[shown.GetProperty("requestId").GetString()!] = shown;
            }
        }

        return decisions;
    }

    public async Task AssertVerifiesAsync()
    {
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <summary>Checks the report's counts add up, and that the import event entry holds the same counts.</summary>
    public async Task AssertCountsAsync(JsonElement report, long read, long imported, long duplicates, long bad, long unpaired = 0)
    {
        Assert.Equal(read, report.GetProperty("read").GetInt64());
        Assert.Equal(imported, report.GetProperty("imported").GetInt64());
        Assert.Equal(duplicates, report.GetProperty("duplicates").GetInt64());
        Assert.Equal(bad, report.GetProperty("bad").GetInt64());
        Assert.Equal(unpaired, report.GetProperty("unpaired").GetInt64());
        Assert.Equal(read, imported + duplicates + bad);
        Assert.Equal(bad, report.GetProperty("problems").GetArrayLength());

        JsonElement entry = (await ShowAsync(report.GetProperty("eventSeq").GetInt64())).GetProperty("entry");
        Assert.Equal("import", entry.GetProperty("kind").GetString());
        JsonElement body = entry.GetProperty("event");
        Assert.Equal(report.GetProperty("format").GetString(), body.GetProperty("format").GetString());
        Assert.Equal(report.GetProperty("source").GetString(), body.GetProperty("source").GetString());
        Assert.Equal(report.GetProperty("runId").GetString(), body.GetProperty("runId").GetString());
        foreach (string count in new[] { "read", "imported", "duplicates", "bad", "unpaired" })
        {
            Assert.Equal(report.GetProperty(count).GetInt64(), body.GetProperty(count).GetInt64());
        }
    }

    public static void AssertProblem(JsonElement report, string location, string field, string reasonPart)
    {
        List<JsonElement> problems = [.. report.GetProperty("problems").EnumerateArray()];
        Assert.Contains(problems, problem =>
            problem.GetProperty("location").GetString() == location
            && problem.GetProperty("field").GetString() == field
            && problem.GetProperty("reason").GetString()!.Contains(reasonPart, StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();
}
