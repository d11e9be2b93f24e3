using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class QueryWhereTests : IClassFixture<QueryWhereTests.DemoLedger>
{
    private readonly DemoLedger _demo;

    public QueryWhereTests(DemoLedger demo) => _demo = demo;

    [Fact]
    public async Task Query_WhereWithCursor_PagesThroughEveryMatchOnce()
    {
        CliResult all = await Query("--model", "fraud_detector", "--where", "output.label = \"fraud\"", "--limit", "1000", "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        long[] expected = Seqs(all.Out, out _);
        Assert.NotEmpty(expected);

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            string[] args = ["--model", "fraud_detector", "--where", "output.label = \"fraud\"", "--limit", "4", "--json"];
            CliResult page = await Query(cursor is null ? args : [.. args, "--cursor", cursor]);
            Assert.True(page.ExitCode == 0, page.ToString());
            seen.AddRange(Seqs(page.Out, out cursor));
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Query_RepeatedWhere_AndsEveryCondition()
    {
        long[] label = await MatchingSeqs("output.label = \"fraud\"");
        long[] scoreAndAmount = await MatchingSeqs("output.score < 0.7 and input.amount > 100");
        long[] both = [.. label.Intersect(scoreAndAmount)];
        // The data must make the AND matter: each condition alone matches more than both together.
        Assert.NotEmpty(both);
        Assert.True(label.Length > both.Length && scoreAndAmount.Length > both.Length, $"label {label.Length}, score and amount {scoreAndAmount.Length}, both {both.Length}");

        CliResult result = await Query("--model", "fraud_detector", "--where", "output.label = \"fraud\"", "--where", "output.score < 0.7 and input.amount > 100", "--limit", "1000", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(both, Seqs(result.Out, out _));
    }

    [Fact]
    public async Task Query_HumanOutput_PrintsNextCursor()
    {
        CliResult result = await Query("--where", "output.label = \"legit\"", "--limit", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"2 shown; more with --cursor [A-Za-z0-9_-]{20}", result.Out);
    }

    [Theory]
    [InlineData("output.score => 0.9", "dledger: --where: at column 14, expected an operator (=, !=, <, <=, >, >=, contains, exists) but found \"=>\"; did you mean >=?")]
    [InlineData("output.label = fraud", "dledger: --where: at column 16, expected a JSON value (a string in double quotes, a number, true, false or null) but found \"fraud\"; put text in double quotes, e.g. \"fraud\"")]
    [InlineData("output.lable = \"fraud\"", "dledger: --where: unknown field \"output.lable\"; output fields seen for fraud_detector: error, label, score, status.")]
    public async Task Query_BadWhere_ExitsTwoNamingTheProblem(string where, string message)
    {
        CliResult result = await Query("--model", "fraud_detector", "--where", where);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.Error.Trim());
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Query_CursorOfAnotherQuery_ExitsTwo()
    {
        CliResult first = await Query("--where", "output.label = \"legit\"", "--limit", "2", "--json");
        using JsonDocument page = JsonDocument.Parse(first.Out);
        string cursor = page.RootElement.GetProperty("nextCursor").GetString()!;

        CliResult other = await Query("--where", "output.label = \"fraud\"", "--limit", "2", "--cursor", cursor);

        Assert.Equal(2, other.ExitCode);
        Assert.StartsWith("dledger: --cursor: this cursor belongs to a query with other filters", other.Error, StringComparison.Ordinal);
    }

    private async Task<long[]> MatchingSeqs(string where)
    {
        CliResult result = await Query("--model", "fraud_detector", "--where", where, "--limit", "1000", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        long[] seqs = Seqs(result.Out, out string? next);
        Assert.Null(next);
        return seqs;
    }

    private Task<CliResult> Query(params string[] args) => CliRun.RunAsync(["query", "--ledger", _demo.Temp.Ledger, .. args]);

    private static long[] Seqs(string json, out string? nextCursor)
    {
        using JsonDocument page = JsonDocument.Parse(json);
        nextCursor = page.RootElement.GetProperty("nextCursor").GetString();
        return [.. page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64())];
    }

    /// <summary>One demo ledger shared by the tests of this class (read-only queries).</summary>
    public sealed class DemoLedger : IAsyncLifetime
    {
        internal TempLedger Temp { get; } = new();

        public async Task InitializeAsync()
        {
            CliResult demo = await CliRun.RunAsync("demo", "--count", "200", "--ledger", Temp.Ledger);
            Assert.True(demo.ExitCode == 0, demo.ToString());
        }

        public Task DisposeAsync()
        {
            Temp.Dispose();
            return Task.CompletedTask;
        }
    }
}
