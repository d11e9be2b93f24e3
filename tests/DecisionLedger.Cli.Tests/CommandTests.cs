using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class CommandTests
{
    [Fact]
    public async Task Init_NewDirectory_CreatesLedgerWithPrivateKey()
    {
        using var temp = new TempLedger();
        CliResult result = await CliRun.RunAsync("init", "--origin", "test.example/fraud", "--ledger", temp.Ledger, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Out);
        Assert.Equal("test.example/fraud", json.RootElement.GetProperty("origin").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Ledger, "signing.key")));

        CliResult key = await CliRun.RunAsync("key", "--ledger", temp.Ledger);
        Assert.Equal(json.RootElement.GetProperty("verifierKey").GetString() + "\n", key.Out.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Init_ExistingLedger_ExitsThree()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "a.example/x", "--ledger", temp.Ledger);
        CliResult again = await CliRun.RunAsync("init", "--origin", "a.example/x", "--ledger", temp.Ledger);
        Assert.Equal(3, again.ExitCode);
        Assert.Contains(temp.Ledger, again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_SmallCount_RecordsCheckpointsAndVerifies()
    {
        using var temp = new TempLedger();
        CliResult result = await CliRun.RunAsync("demo", "--count", "120", "--ledger", temp.Ledger, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Out);
        Assert.Equal(120, json.RootElement.GetProperty("entries").GetInt64());
        Assert.Equal(120, json.RootElement.GetProperty("checkpoint").GetProperty("treeSize").GetInt64());
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(3, json.RootElement.GetProperty("models").GetArrayLength());

        CliResult human = await CliRun.RunAsync("demo", "--count", "10", "--ledger", temp.Ledger);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("verify     PASSED", human.Out, StringComparison.Ordinal);
        Assert.Contains("holds 130", human.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ValidLines_PrintsReceiptsInOrder()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(500) + "\n   \n", null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(500, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument receipt = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, receipt.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(32, Convert.FromBase64String(receipt.RootElement.GetProperty("leafHash").GetString()!).Length);
        }

        Assert.Equal(0, (await CliRun.RunAsync("verify", "--ledger", temp.Ledger)).ExitCode);
    }

    [Fact]
    public async Task Record_Proofs_EachReceiptCarriesCheckpointAndProofThatVerifyWithTheKey()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        string key = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();

        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(50), null, "record", "-", "--proofs", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(50, lines.Length);
        var verifier = DecisionLedger.Checkpoints.NoteVerifier.Parse(key);
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument receipt = JsonDocument.Parse(lines[i]);
            JsonElement root = receipt.RootElement;
            Assert.Equal(["seq", "requestId", "leafHash", "checkpoint", "proof"], root.EnumerateObject().Select(p => p.Name));
            var checkpoint = DecisionLedger.Checkpoints.CheckpointNote.Open(root.GetProperty("checkpoint").GetString()!, verifier, "t.example/x");
            JsonElement proof = root.GetProperty("proof");
            Assert.Equal(i, proof.GetProperty("leafIndex").GetInt64());
            Assert.Equal(checkpoint.Size, proof.GetProperty("treeSize").GetInt64());
            Assert.Equal(root.GetProperty("leafHash").GetString(), proof.GetProperty("leafHash").GetString());
            var inclusion = new DecisionLedger.Merkle.InclusionProof(
                i,
                checkpoint.Size,
                DecisionLedger.Hashing.Sha256Hash.FromBase64(proof.GetProperty("leafHash").GetString()!),
                [.. proof.GetProperty("hashes").EnumerateArray().Select(h => DecisionLedger.Hashing.Sha256Hash.FromBase64(h.GetString()!))]);
            Assert.True(inclusion.Verify(checkpoint.RootHash), $"line {i + 1}: the proof does not lead to the checkpoint's root");
        }
    }

    [Fact]
    public async Task Record_WithoutProofs_ReceiptLineHasOnlySeqRequestIdLeafHash()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(3), null, "record", "-", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string line in result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument receipt = JsonDocument.Parse(line);
            Assert.Equal(["seq", "requestId", "leafHash"], receipt.RootElement.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task Record_BadLineAtLine3_NamesLineAndFieldAndKeepsEarlierLines()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger);
        string input = Some.DecisionJson(1) + "\n" + Some.DecisionJson(2) + "\n" + """{"model":{"name":"m"},"input":{},"output":{}}""" + "\n" + Some.DecisionJson(4) + "\n";
        string file = Path.Combine(temp.Root, "decisions.ndjson");
        await File.WriteAllTextAsync(file, input);

        CliResult result = await CliRun.RunAsync("record", file, "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 3: model.version:", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        CliResult query = await CliRun.RunAsync("query", "--ledger", temp.Ledger, "--json");
        using JsonDocument json = JsonDocument.Parse(query.Out);
        Assert.Equal(2, json.RootElement.GetProperty("entries").GetArrayLength());
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task ShowQueryCheckpointProof_DemoLedger_AgreeWithEachOther()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "60", "--ledger", temp.Ledger);

        CliResult query = await CliRun.RunAsync("query", "--ledger", temp.Ledger, "--json", "--limit", "5", "--model", "fraud_detector");
        using JsonDocument page = JsonDocument.Parse(query.Out);
        Assert.Equal(5, page.RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal(59, page.RootElement.GetProperty("entries")[0].GetProperty("seq").GetInt64());
        string cursor = page.RootElement.GetProperty("nextCursor").GetString()!;
        CliResult next = await CliRun.RunAsync("query", "--ledger", temp.Ledger, "--json", "--limit", "5", "--model", "fraud_detector", "--cursor", cursor);
        using JsonDocument nextPage = JsonDocument.Parse(next.Out);
        Assert.Equal(54, nextPage.RootElement.GetProperty("entries")[0].GetProperty("seq").GetInt64());
        string requestId = page.RootElement.GetProperty("entries")[0].GetProperty("requestId").GetString()!;

        CliResult show = await CliRun.RunAsync("show", requestId, "--ledger", temp.Ledger, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using JsonDocument shown = JsonDocument.Parse(show.Out);
        Assert.Equal("verified", shown.RootElement.GetProperty("proof").GetProperty("status").GetString());
        Assert.True(shown.RootElement.GetProperty("inputHeld").GetBoolean());

        CliResult human = await CliRun.RunAsync("show", "--seq", "3", "--ledger", temp.Ledger);
        Assert.Contains("inclusion proof verified against the signed root", human.Out, StringComparison.Ordinal);

        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger);
        Assert.StartsWith("decisionledger.demo/fraud\n60\n", checkpoint.Out, StringComparison.Ordinal);

        CliResult proof = await CliRun.RunAsync("proof", "inclusion", "--seq", "7", "--ledger", temp.Ledger);
        using JsonDocument inclusion = JsonDocument.Parse(proof.Out);
        Assert.Equal(7, inclusion.RootElement.GetProperty("leafIndex").GetInt64());
        Assert.Equal(60, inclusion.RootElement.GetProperty("treeSize").GetInt64());
        Assert.Equal(shownLeaf(await CliRun.RunAsync("show", "--seq", "7", "--ledger", temp.Ledger, "--json")), inclusion.RootElement.GetProperty("leafHash").GetString());

        CliResult consistency = await CliRun.RunAsync("proof", "consistency", "--from", "10", "--to", "60", "--ledger", temp.Ledger);
        using JsonDocument cons = JsonDocument.Parse(consistency.Out);
        Assert.Equal(10, cons.RootElement.GetProperty("from").GetInt64());
        Assert.True(cons.RootElement.GetProperty("hashes").GetArrayLength() > 0);

        static string? shownLeaf(CliResult r)
        {
            using JsonDocument d = JsonDocument.Parse(r.Out);
            return d.RootElement.GetProperty("leafHash").GetString();
        }
    }

    [Fact]
    public async Task CheckpointNew_AfterRecord_CoversNewEntries()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("demo", "--count", "5", "--ledger", temp.Ledger);
        CliResult result = await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Out);
        Assert.Equal(5, json.RootElement.GetProperty("treeSize").GetInt64());
    }
}
