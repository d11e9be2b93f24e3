using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Tests.Conformance;

/// <summary>
/// Runs tools/conformance/check.py, a checker written in Python from docs/format.md and docs/retention.md alone, against
/// what the real <c>dledger</c> writes: a ledger that switched from entry format 1 to 2 and holds every event kind, its
/// archive files and signed manifests, a full and two filtered bundles with completeness proofs, and receipts before
/// and after <c>proof upgrade</c>. A disagreement between the docs and the code fails here, naming the rule.
/// </summary>
public sealed class ConformanceCheckerTests
{
    private const string AllEventKinds = "erasure,archived,archive-rewrite,import,replay,input-retention,format,heads";

    [PythonFact]
    public async Task Checker_WrittenFromTheDocs_AcceptsEveryArtefactOfADemoLedgerWithEveryEventKind()
    {
        using var temp = new TempLedger();
        Artefacts artefacts = await Artefacts.CreateAsync(temp);

        (int code, string output) = await PythonChecker.RunAsync([.. artefacts.Arguments, "--require-kinds", AllEventKinds]);

        Assert.True(code == 0, output);
        Assert.Contains("PASSED", output, StringComparison.Ordinal);
        Assert.Contains("bundles: 3, archive files: ", output, StringComparison.Ordinal);
        Assert.Contains("receipts: 4 (2 witnessed)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("archive files: 0", output, StringComparison.Ordinal);
        if (PythonChecker.CanReadArchiveRows)
        {
            Assert.DoesNotContain("rows not read", output, StringComparison.Ordinal);
        }
    }

    [PythonFact]
    public async Task Checker_NamesTheRule_WhenAnArchiveManifestOrAnEventEntryIsChanged()
    {
        using var temp = new TempLedger();
        Artefacts artefacts = await Artefacts.CreateAsync(temp);

        // A manifest whose signed text was edited no longer verifies with the ledger's key.
        string manifest = Directory.EnumerateFiles(artefacts.Archive, "*.manifest", SearchOption.AllDirectories).First();
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("\"rows\":", "\"rows\":9", StringComparison.Ordinal));
        (int archiveCode, string archiveOutput) = await PythonChecker.RunAsync("--key", artefacts.Key, "--bundle", artefacts.Full, "--archives");
        Assert.True(archiveCode == 1, archiveOutput);
        Assert.Contains("archive-manifest-forged: signature by conformance.example/ledger does not verify", archiveOutput, StringComparison.Ordinal);

        // An event's count edited in the full bundle: the tree no longer gives the signed root.
        string entries = Path.Combine(artefacts.Full, "entries.jsonl");
        string[] lines = await File.ReadAllLinesAsync(entries);
        int erasure = Array.FindIndex(lines, l => l.Contains("\"kind\":\"erasure\"", StringComparison.Ordinal));
        lines[erasure] = lines[erasure].Replace("\"decisionsErased\":", "\"decisionsErased\":1", StringComparison.Ordinal);
        await File.WriteAllTextAsync(entries, string.Join('\n', lines) + "\n");
        (int entryCode, string entryOutput) = await PythonChecker.RunAsync("--key", artefacts.Key, "--bundle", artefacts.Full);
        Assert.True(entryCode == 1, entryOutput);
        Assert.Contains("content-changed: MTH(entries) is not the checkpoint root", entryOutput, StringComparison.Ordinal);
    }

    [PythonFact]
    public async Task Checker_VerifiesTheCosignatureOfARealWitness_AndRefusesItForAnotherWitnessKey()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "7", "--ledger", temp.Ledger)).ExitCode);
        string key = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        string checkpoint = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;
        string logs = Path.Combine(temp.Root, "logs.txt");
        await File.WriteAllTextAsync(logs, $"log {key}\n");
        string witnessKey = (await CliRun.RunAsync("witness", "init", "--name", "w1.example/witness", "--key", Path.Combine(temp.Root, "w1.key"))).Out.Trim();
        string otherKey = (await CliRun.RunAsync("witness", "init", "--name", "w1.example/witness", "--key", Path.Combine(temp.Root, "other.key"))).Out.Trim();
        string cosignature;
        using (WitnessProcess witness = await WitnessProcess.StartAsync(logs, Path.Combine(temp.Root, "w1.db"), Path.Combine(temp.Root, "w1.key")))
        {
            (int status, string body, _) = await witness.AddCheckpointAsync("old 0\n\n" + checkpoint);
            Assert.True(status == 200, body + witness.Output);
            cosignature = body;
        }

        string cosigned = Path.Combine(temp.Root, "cosigned-checkpoint");
        await File.WriteAllTextAsync(cosigned, checkpoint + cosignature);

        (int code, string output) = await PythonChecker.RunAsync("--key", key, "--cosigned-checkpoint", cosigned, "--witness-key", witnessKey);
        (int otherCode, string otherOutput) = await PythonChecker.RunAsync("--key", key, "--cosigned-checkpoint", cosigned, "--witness-key", otherKey);

        Assert.True(code == 0, output);
        Assert.True(otherCode == 1, otherOutput);
        Assert.Contains("no valid cosignature/v1 by w1.example/witness", otherOutput, StringComparison.Ordinal);
    }

    /// <summary>The artefacts of one demo ledger, made with the real CLI.</summary>
    private sealed record Artefacts(string Key, string Full, string Subject, string Model, string Archive, string Receipts, string Witnessed)
    {
        public string[] Arguments =>
            ["--key", Key, "--bundle", Full, "--bundle", Subject, "--bundle", Model, "--archives",
             "--receipts", Receipts, "--receipts", Witnessed, "--doc", PythonChecker.FormatDoc];

        public static async Task<Artefacts> CreateAsync(TempLedger temp)
        {
            string ledger = temp.Ledger;
            await Run("init", "--origin", "conformance.example/ledger", "--ledger", ledger);
            await Run("demo", "--count", "300", "--ledger", ledger);
            string key = (await Run("key", "--ledger", ledger)).Out.Trim();
            string subject = JsonNode.Parse((await Run("show", "--seq", "0", "--json", "--ledger", ledger)).Out)!["entry"]!["subject"]!["id"]!.GetValue<string>();
            string lastV1 = JsonNode.Parse((await Run("show", "--seq", "299", "--json", "--ledger", ledger)).Out)!["entry"]!["timestamp"]!.GetValue<string>();

            // Switch to entry format 2: the next run writes the format event, v2 decisions and heads entries.
            string settings = Path.Combine(ledger, "ledger.json");
            JsonNode json = JsonNode.Parse(await File.ReadAllTextAsync(settings))!;
            json["entryFormat"] = 2;
            await File.WriteAllTextAsync(settings, json.ToJsonString());
            await Run("demo", "--count", "300", "--ledger", ledger);

            // archived (the v1 decisions: the next run starts a minute after the last one), then erasure + archive-rewrite
            // of a subject whose inputs are archived. Archiving v2 decisions makes the next recorder write a wrong heads
            // entry (it rebuilds the heads map from the live index only), which dledger verify reports as heads-mismatch.
            string archive = Path.Combine(temp.Root, "archive");
            string before = DateTimeOffset.Parse(lastV1, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await Run("archive", "--to", archive, "--before", before, "--ledger", ledger);
            await Run("erase", "--subject", subject, "--reason", "GDPR Art. 17", "--by", "dpo", "--ledger", ledger);

            // import (the sample has bad records: exit 2, the run is recorded all the same) and replay (nothing listens
            // on port 1: the decision is not replayable, and the run is recorded).
            await Run(2, "import", "--format", "sagemaker-capture", "--model", "diabetes-xgb", Path.Combine(PythonChecker.ImportExamples, "sagemaker-capture.jsonl"), "--ledger", ledger);
            await Run("replay", "--seq", "550", "--endpoint", "http://127.0.0.1:1/score", "--ledger", ledger);

            // input-retention, with models whose names sort differently in ordinal and culture order; a decision of 2020
            // is due whatever today's date.
            CliResult old = await CliRun.RunWithInputAsync("""{"timestamp":"2020-01-01T00:00:00Z","model":{"name":"alpha","version":"1"},"input":{"a":1},"output":{"b":2}}""" + "\n", null, "record", "--ledger", ledger);
            Assert.True(old.ExitCode == 0, old.ToString());
            string policy = Path.Combine(temp.Root, "policy.json");
            await File.WriteAllTextAsync(policy, """{"retention":{"default":{"inputs":"P1D"},"models":{"fraud_detector":{"inputs":"P2D"},"Zeta":{},"alpha":{"inputs":"P400D"}}}}""");
            await Run("retention", "apply", "--policy", policy, "--ledger", ledger);

            // Receipts with proofs, with numbers JCS prints in exponent form, then upgraded (no witness policy: quorum none).
            string decisions = """
                {"model":{"name":"fraud_detector","version":"9.0.0"},"input":{"amount":2.5e-7},"output":{"label":"legit","score":1e21},"subject":{"id":"customer-conformance"}}
                {"model":{"name":"fraud_detector","version":"9.0.0"},"input":{"amount":-0.0},"output":{"label":"legit","score":120.50}}

                """;
            CliResult recorded = await CliRun.RunWithInputAsync(decisions, null, "record", "--proofs", "--ledger", ledger);
            Assert.True(recorded.ExitCode == 0, recorded.ToString());
            string receipts = Path.Combine(temp.Root, "receipts.jsonl");
            await File.WriteAllTextAsync(receipts, recorded.Out);
            string witnessed = Path.Combine(temp.Root, "receipts-witnessed.jsonl");
            await File.WriteAllTextAsync(witnessed, (await Run("proof", "upgrade", receipts, "--ledger", ledger)).Out);

            string full = Path.Combine(temp.Root, "full");
            string bySubject = Path.Combine(temp.Root, "subject");
            string byModel = Path.Combine(temp.Root, "model");
            await Run("export", "--out", full, "--ledger", ledger);
            await Run("export", "--out", bySubject, "--subject", "customer-conformance", "--ledger", ledger);
            await Run("export", "--out", byModel, "--model", "diabetes-xgb", "--ledger", ledger);
            return new Artefacts(key, full, bySubject, byModel, archive, receipts, witnessed);
        }

        private static Task<CliResult> Run(params string[] args) => Run(0, args);

        private static async Task<CliResult> Run(int expected, params string[] args)
        {
            CliResult result = await CliRun.RunAsync(args);
            Assert.True(result.ExitCode == expected, $"dledger {string.Join(' ', args)}: {result}");
            return result;
        }
    }
}
