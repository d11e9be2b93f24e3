using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class EncryptedLedgerTests
{
    private const string Variable = "DLEDGER_MASTER_KEY";

    // The only CLI test that sets the master key variable; no other test's outcome depends on it.
    [Fact]
    public async Task Verify_EncryptedLedger_ChecksWithKeySkipsWithoutAndRefusesWrongKey()
    {
        using var temp = new TempLedger();
        string? saved = Environment.GetEnvironmentVariable(Variable);
        try
        {
            Environment.SetEnvironmentVariable(Variable, Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
            CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/enc", "--encrypt-inputs", "--ledger", temp.Ledger, "--json");
            Assert.True(init.ExitCode == 0, init.ToString());
            CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(5), null, "record", "-", "--ledger", temp.Ledger);
            Assert.True(record.ExitCode == 0, record.ToString());

            using (JsonDocument withKey = JsonDocument.Parse((await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json")).Out))
            {
                Assert.Equal(5, withKey.RootElement.GetProperty("inputsVerified").GetInt64());
                Assert.Equal(0, withKey.RootElement.GetProperty("inputsNotChecked").GetInt64());
            }

            CliResult show = await CliRun.RunAsync("show", "--seq", "1", "--ledger", temp.Ledger);
            Assert.Contains("\"amount\": 1.5", show.Out, StringComparison.Ordinal);

            Environment.SetEnvironmentVariable(Variable, null);
            CliResult withoutKey = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
            Assert.True(withoutKey.ExitCode == 0, withoutKey.ToString());
            Assert.Contains("5 stored inputs not checked (encrypted)", withoutKey.Out, StringComparison.Ordinal);
            Assert.Contains("encrypted; set DLEDGER_MASTER_KEY", (await CliRun.RunAsync("show", "--seq", "1", "--ledger", temp.Ledger)).Out, StringComparison.Ordinal);

            Environment.SetEnvironmentVariable(Variable, Convert.ToBase64String(new byte[32]));
            CliResult wrongKey = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
            Assert.Equal(2, wrongKey.ExitCode);
            Assert.Contains("does not open the stored key of subject", wrongKey.Error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, saved);
        }
    }
}
