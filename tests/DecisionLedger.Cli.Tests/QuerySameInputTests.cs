using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class QuerySameInputTests
{
    private const string InputA = """{"amount":120.5,"country":"DE","items":[{"sku":"B-17","qty":2}]}""";

    // The same input as InputA: members reordered at both levels, different whitespace and number spelling.
    private const string InputAReordered = """
        {
          "items": [ { "qty": 2, "sku": "B-17" } ],
          "country": "DE",
          "amount": 120.50
        }
        """;

    [Fact]
    public async Task Query_SameInputReorderedFile_FindsBothEarlierDecisionsOnly()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        string lines = string.Join('\n',
            Decision(InputA, "first", "customer-0001"),
            Decision("""{"amount":99,"country":"FR"}""", "other", "customer-0002"),
            Decision(InputAReordered.ReplaceLineEndings(" "), "second", "customer-0003"),
            Decision("""{"amount":120.5,"country":"DE"}""", "near-miss", "customer-0004")) + "\n";
        CliResult record = await CliRun.RunWithInputAsync(lines, null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
        string file = Path.Combine(temp.Root, "input.json");
        await File.WriteAllTextAsync(file, InputAReordered);

        CliResult result = await CliRun.RunAsync("query", "--same-input", file, "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["second", "first"], RequestIds(result.Out));
    }

    [Fact]
    public async Task Query_SameInputWholeDecisionFile_UsesItsInputMember()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        await CliRun.RunWithInputAsync(Decision(InputA, "first", "customer-0001") + "\n" + Decision("""{"amount":1}""", "other", "customer-0002") + "\n", null, "record", "-", "--ledger", temp.Ledger);
        string file = Path.Combine(temp.Root, "decision.json");
        await File.WriteAllTextAsync(file, Decision(InputAReordered, "not-recorded", "customer-0009"));

        CliResult result = await CliRun.RunAsync("query", "--same-input", file, "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["first"], RequestIds(result.Out));
    }

    [Fact]
    public async Task Query_SameInputWithSubjectFilter_CombinesBothFilters()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        await CliRun.RunWithInputAsync(Decision(InputA, "first", "customer-0001") + "\n" + Decision(InputA, "second", "customer-0002") + "\n", null, "record", "-", "--ledger", temp.Ledger);
        string file = Path.Combine(temp.Root, "input.json");
        await File.WriteAllTextAsync(file, InputAReordered);

        CliResult result = await CliRun.RunAsync("query", "--same-input", file, "--subject", "customer-0001", "--ledger", temp.Ledger, "--json");
        CliResult human = await CliRun.RunAsync("query", "--same-input", file, "--subject", "customer-0001", "--ledger", temp.Ledger);

        Assert.Equal(["first"], RequestIds(result.Out));
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("first", human.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("second", human.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("{\"amount\":", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":[1],"output":{}}""", "input: holds a JSON array")]
    public async Task Query_SameInputNotAnObject_ExitsTwoNamingFileAndProblem(string content, string problem)
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        string file = Path.Combine(temp.Root, "bad.json");
        await File.WriteAllTextAsync(file, content);

        CliResult result = await CliRun.RunAsync("query", "--same-input", file, "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_SameInputMissingFile_ExitsThreeNamingFile()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        string file = Path.Combine(temp.Root, "absent.json");

        CliResult result = await CliRun.RunAsync("query", "--same-input", file, "--ledger", temp.Ledger);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
    }

    private static string Decision(string input, string requestId, string subject) =>
        "{\"requestId\":\"" + requestId + "\",\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":" + input
        + ",\"output\":{\"label\":\"legit\",\"score\":0.12},\"subject\":{\"id\":\"" + subject + "\"}}";

    private static string[] RequestIds(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()!).ToArray();
    }
}
