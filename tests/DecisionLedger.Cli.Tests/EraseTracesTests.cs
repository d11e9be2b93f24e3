using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// After <c>erase</c>, nothing derived from an erased input can confirm a guess of it: the
/// same-input lookup finds nothing, and member names only the erased inputs had are no longer
/// known to <c>--where</c> (nor listed in its hints).
/// </summary>
public sealed class EraseTracesTests
{
    private const string SecretInput = """{"amount":4711,"country":"DE","janeDoeMaidenName":"Smith"}""";

    [Fact]
    public async Task Erase_ThenQuerySameInputGuess_FindsNothing()
    {
        using var temp = new TempLedger();
        await RecordAsync(temp);
        string guess = Path.Combine(temp.Root, "guess.json");
        await File.WriteAllTextAsync(guess, SecretInput);
        Assert.Equal(["secret-decision"], RequestIds((await CliRun.RunAsync("query", "--same-input", guess, "--ledger", temp.Ledger, "--json")).Out));

        CliResult erase = await CliRun.RunAsync("erase", "--subject", "customer-secret", "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.True(erase.ExitCode == 0, erase.ToString());

        CliResult after = await CliRun.RunAsync("query", "--same-input", guess, "--ledger", temp.Ledger, "--json");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Empty(RequestIds(after.Out));

        // The other subject's identical-shaped input is still found by its own guess.
        string other = Path.Combine(temp.Root, "other.json");
        await File.WriteAllTextAsync(other, """{"amount":12,"country":"FR"}""");
        Assert.Equal(["other-decision"], RequestIds((await CliRun.RunAsync("query", "--same-input", other, "--ledger", temp.Ledger, "--json")).Out));
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Erase_MemberNameOnlyInErasedInput_IsNoLongerAQueryableField()
    {
        using var temp = new TempLedger();
        await RecordAsync(temp);
        CliResult before = await CliRun.RunAsync("query", "--model", "fraud_detector", "--where", "input.janeDoeMaidenName exists", "--ledger", temp.Ledger);
        Assert.True(before.ExitCode == 0, before.ToString());

        await CliRun.RunAsync("erase", "--subject", "customer-secret", "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger);

        CliResult after = await CliRun.RunAsync("query", "--model", "fraud_detector", "--where", "input.janeDoeMaidenName exists", "--ledger", temp.Ledger);
        Assert.Equal(2, after.ExitCode);
        Assert.Contains("unknown field \"input.janeDoeMaidenName\"", after.Error, StringComparison.Ordinal);
        CliResult hint = await CliRun.RunAsync("query", "--model", "fraud_detector", "--where", "input.nosuch exists", "--ledger", temp.Ledger);
        Assert.Equal(2, hint.ExitCode);
        Assert.DoesNotContain("janeDoeMaidenName", hint.Error, StringComparison.Ordinal);
        Assert.Contains("country", hint.Error, StringComparison.Ordinal);
    }

    private static async Task RecordAsync(TempLedger temp)
    {
        await CliRun.RunAsync("init", "--origin", "t.example/erase-traces", "--ledger", temp.Ledger);
        string lines = Decision(SecretInput, "secret-decision", "customer-secret") + "\n"
            + Decision("""{"amount":12,"country":"FR"}""", "other-decision", "customer-other") + "\n";
        CliResult record = await CliRun.RunWithInputAsync(lines, null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    private static string Decision(string input, string requestId, string subject) =>
        "{\"requestId\":\"" + requestId + "\",\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":" + input
        + ",\"output\":{\"label\":\"legit\",\"score\":0.12},\"subject\":{\"id\":\"" + subject + "\"}}";

    private static string[] RequestIds(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()!)];
    }
}
