using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class RedactCommandTests
{
    private const string PiiDecision =
        """{"model":{"name":"fraud_detector","version":"3.2.1"},"input":{"email":"jane.doe@example.com","card":"4111 1111 1111 1111","note":"call +4915123456789"},"output":{"label":"fraud"},"metadata":{"ip":"10.0.0.7"}}""";

    [Fact]
    public async Task Redact_NoPolicy_AppliesPrivacyByDefaultAndListsRedactionsWithoutValues()
    {
        using var temp = new TempLedger();
        CliResult result = await CliRun.RunWithInputAsync(PiiDecision, null, "redact", "-", "--json", "--ledger", temp.Ledger);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        JsonElement input = json.RootElement.GetProperty("decision").GetProperty("input");
        Assert.Equal("[EMAIL]", input.GetProperty("email").GetString());
        Assert.Equal("[CARD]", input.GetProperty("card").GetString());
        Assert.Equal("call [PHONE]", input.GetProperty("note").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("redactions").GetArrayLength());
        Assert.DoesNotContain("jane.doe", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redact_PolicyFile_HashesSelectedFieldWithTheLedgersKey()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "test.local/redact", "--ledger", temp.Ledger);
        string policy = Path.Combine(temp.Root, "policy.json");
        await File.WriteAllTextAsync(policy, """{"default":{"detectors":"none","rules":[{"name":"mail","select":"$.input.email","operator":"hash"}]}}""");
        string decision = Path.Combine(temp.Root, "decision.json");
        await File.WriteAllTextAsync(decision, PiiDecision);

        CliResult first = await CliRun.RunAsync("redact", "--policy", policy, decision, "--json", "--ledger", temp.Ledger);
        CliResult second = await CliRun.RunAsync("redact", "--policy", policy, decision, "--json", "--ledger", temp.Ledger);

        Assert.Equal(0, first.ExitCode);
        using JsonDocument json = JsonDocument.Parse(first.Out);
        string hashed = json.RootElement.GetProperty("decision").GetProperty("input").GetProperty("email").GetString()!;
        Assert.StartsWith("hmac:", hashed, StringComparison.Ordinal);
        Assert.Equal("4111 1111 1111 1111", json.RootElement.GetProperty("decision").GetProperty("input").GetProperty("card").GetString());
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public async Task Redact_InvalidPolicy_ExitsTwoNamingTheRule()
    {
        using var temp = new TempLedger();
        string policy = Path.Combine(temp.Root, "bad.json");
        Directory.CreateDirectory(temp.Root);
        await File.WriteAllTextAsync(policy, """{"default":{"rules":[{"name":"ok","select":"$.input.a"},{"name":"broken","select":"$.input[","operator":"tag"}]}}""");

        CliResult result = await CliRun.RunWithInputAsync(PiiDecision, null, "redact", "--policy", policy, "-", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("rules[1] 'broken'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_WithLedgerPolicyFile_StoresRedactedDecision()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "test.local/redact", "--ledger", temp.Ledger);
        await File.WriteAllTextAsync(Path.Combine(temp.Ledger, "redaction.json"), """{"default":{"rules":[{"name":"mask-card","detect":"card","operator":"mask","keep":4}]}}""");

        CliResult recorded = await CliRun.RunWithInputAsync(PiiDecision + "\n", null, "record", "-", "--ledger", temp.Ledger);
        CliResult shown = await CliRun.RunAsync("show", "--seq", "0", "--json", "--ledger", temp.Ledger);

        Assert.Equal(0, recorded.ExitCode);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("mask-card", shown.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111 1111 1111", shown.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe@example.com", shown.Out, StringComparison.Ordinal);
    }
}
