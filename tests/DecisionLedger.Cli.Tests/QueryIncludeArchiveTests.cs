using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>query --include-archive</c> reads archived decisions with DuckDB and applies the same filters as the
/// live stores: the same query against the source ledger (live) and against an empty ledger with the
/// archive of the source's decisions must select the same seqs.
/// </summary>
public sealed class QueryIncludeArchiveTests(ArchiveFixture archive) : IClassFixture<ArchiveFixture>
{
    public static TheoryData<string[]> Filters => new()
    {
        new[] { "--model", "fraud_detector" },
        new[] { "--model", "no_such_model" },
        new[] { "--version", "3.2.1" },
        new[] { "--where", "output.label = \"fraud\"" },
        new[] { "--where", "output.label != \"fraud\"" },
        new[] { "--where", "output.score < 0.7 and input.amount > 100" },
        new[] { "--where", "output.score >= 0.5" },
        new[] { "--where", "output.label contains \"rau\"" },
        new[] { "--where", "output.label > \"g\"" },
        new[] { "--where", "input.amount <= 250.5" },
        new[] { "--where", "explanation.method exists" },
        new[] { "--where", "output.label = 1" },
        new[] { "--from", "2026-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z" },
        new[] { "--to", "2000-01-01T00:00:00Z" },
        new[] { "--before-seq", "120" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task IncludeArchive_SelectsWhatTheLiveQuerySelected(string[] filter)
    {
        CliResult live = await CliRun.RunAsync(["query", "--ledger", archive.Source, .. filter, "--limit", "1000", "--json"]);
        Assert.True(live.ExitCode == 0, live.ToString());
        CliResult archived = await CliRun.RunAsync(["query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, .. filter, "--limit", "1000", "--json"]);
        Assert.True(archived.ExitCode == 0, archived.ToString());

        long[] expected = DecisionSeqs(live.Out, out _);
        Assert.Equal(expected, DecisionSeqs(archived.Out, out _));

        // Each filter selects some decisions and leaves others, except the ones written to select none.
        bool selectsNone = filter.Contains("no_such_model") || filter.Contains("2000-01-01T00:00:00Z") || filter.Contains("output.label = 1");
        Assert.True(selectsNone ? expected.Length == 0 : expected.Length > 0 && expected.Length <= archive.ArchivedSeqs.Length, $"{string.Join(' ', filter)}: {expected.Length} of {archive.ArchivedSeqs.Length}");
    }

    [Fact]
    public async Task IncludeArchive_FiltersOnUserTenantSubjectAndRequestId()
    {
        // Values taken from the data, so each filter selects something.
        CliResult all = await CliRun.RunAsync("query", "--ledger", archive.Source, "--model", "fraud_detector", "--limit", "1000", "--json");
        JsonElement sample = JsonDocument.Parse(all.Out).RootElement.GetProperty("entries")[17];
        List<string[]> filters = [["--request-id", sample.GetProperty("requestId").GetString()!]];
        if (sample.TryGetProperty("actor", out JsonElement actor))
        {
            if (actor.TryGetProperty("userId", out JsonElement user))
            {
                filters.Add(["--user", user.GetString()!]);
            }

            if (actor.TryGetProperty("tenant", out JsonElement tenant))
            {
                filters.Add(["--tenant", tenant.GetString()!]);
            }
        }

        if (sample.TryGetProperty("subject", out JsonElement subject) && subject.TryGetProperty("id", out JsonElement id))
        {
            filters.Add(["--subject", id.GetString()!]);
        }

        Assert.True(filters.Count >= 3, $"the demo data should name a user, tenant or subject: {sample}");
        foreach (string[] filter in filters)
        {
            long[] expected = DecisionSeqs((await CliRun.RunAsync(["query", "--ledger", archive.Source, .. filter, "--limit", "1000", "--json"])).Out, out _);
            CliResult archived = await CliRun.RunAsync(["query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, .. filter, "--limit", "1000", "--json"]);
            Assert.True(archived.ExitCode == 0, archived.ToString());
            Assert.NotEmpty(expected);
            Assert.Equal(expected, DecisionSeqs(archived.Out, out _));
        }
    }

    [Fact]
    public async Task IncludeArchive_PagesNewestFirst_EveryArchivedDecisionOnce()
    {
        var seen = new List<long>();
        string? cursor = null;
        int pages = 0;
        do
        {
            string[] args = ["query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--limit", "37", "--json"];
            CliResult page = await CliRun.RunAsync(cursor is null ? args : [.. args, "--cursor", cursor]);
            Assert.True(page.ExitCode == 0, page.ToString());
            seen.AddRange(DecisionSeqs(page.Out, out cursor));
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(archive.ArchivedSeqs, seen);
        Assert.Equal((archive.ArchivedSeqs.Length + 36) / 37, pages);
    }

    [Fact]
    public async Task IncludeArchive_OverALedgerStillHoldingTheRows_ShowsEachSeqOnceFromTheLiveStore()
    {
        CliResult live = await CliRun.RunAsync("query", "--ledger", archive.Source, "--limit", "1000", "--json");
        CliResult both = await CliRun.RunAsync("query", "--ledger", archive.Source, "--archive", archive.ArchiveDirectory, "--limit", "1000", "--json");

        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Equal(AllSeqs(live.Out), AllSeqs(both.Out));
    }

    [Fact]
    public async Task IncludeArchive_HumanOutput_SaysHowManyCameFromTheArchive()
    {
        CliResult result = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--limit", "5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"5 shown \(5 from the archive\); more with --cursor [A-Za-z0-9_-]{20}", result.Out);
        Assert.Contains(archive.ArchivedSeqs[0].ToString(System.Globalization.CultureInfo.InvariantCulture), result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeArchive_CursorOfAnotherQuery_IsRefused()
    {
        CliResult first = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--limit", "3", "--json");
        DecisionSeqs(first.Out, out string? cursor);
        Assert.NotNull(cursor);

        CliResult otherFilter = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--model", "fraud_detector", "--cursor", cursor, "--json");
        Assert.Equal(2, otherFilter.ExitCode);
        Assert.Contains("--cursor: this cursor belongs to a query with other filters", otherFilter.Error, StringComparison.Ordinal);

        CliResult liveCursor = await CliRun.RunAsync("query", "--ledger", archive.Source, "--limit", "3", "--json");
        DecisionSeqs(liveCursor.Out, out string? live);
        CliResult mixed = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--cursor", live!, "--json");
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("not a cursor of a query with --include-archive", mixed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeArchive_FieldNeitherLiveNorArchived_IsReportedAsUnknown()
    {
        CliResult result = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--where", "output.lable = \"fraud\"");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--where: unknown field \"output.lable\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeArchive_SameInput_IsRefusedNamingTheOption()
    {
        string file = Path.Combine(archive.Temp.Root, "input.json");
        await File.WriteAllTextAsync(file, "{\"amount\":1}");

        CliResult result = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", archive.ArchiveDirectory, "--same-input", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--same-input: archived decisions keep no input fingerprint", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeArchive_MissingArchiveDirectory_IsBadInput()
    {
        CliResult result = await CliRun.RunAsync("query", "--ledger", archive.Empty, "--archive", Path.Combine(archive.Temp.Root, "nowhere"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the directory does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludeArchive_LedgerThatArchivedNothing_ShowsTheLiveDecisions()
    {
        CliResult live = await CliRun.RunAsync("query", "--ledger", archive.Source, "--limit", "50", "--json");
        CliResult result = await CliRun.RunAsync("query", "--ledger", archive.Source, "--include-archive", "--limit", "50", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(AllSeqs(live.Out), AllSeqs(result.Out));
    }

    internal static long[] DecisionSeqs(string json, out string? cursor)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        cursor = document.RootElement.GetProperty("nextCursor").GetString();
        return [.. document.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => !e.TryGetProperty("kind", out JsonElement kind) || kind.GetString() == "decision")
            .Select(e => e.GetProperty("seq").GetInt64())];
    }

    private static long[] AllSeqs(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64())];
    }
}
