using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DecisionLedger.Checkpoints;
using DecisionLedger.Cli.Tests.Timestamping;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Proof receipts carry the cosigned checkpoint, with real processes: <c>dledger serve --witness-policy --tsa</c>,
/// two real <c>dledger witness serve</c> processes (a third is down; quorum 2 of 3) and a real RFC 3161 TSA
/// (OpenSSL). A receipt is answered before the witnesses cosign; once the checkpoint is published the client
/// upgrades it (<c>GET /v1/proof/witnessed</c>, <c>dledger proof upgrade</c>) and <c>verify --receipt</c>
/// demands the quorum over exactly that checkpoint and checks the time-stamp token, naming what failed.
/// </summary>
public sealed class ReceiptWitnessingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Receipt_UpgradedOncePublished_VerifiesWithPolicyAndTsaRoots_AndEachTamperingIsNamed()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "3", "--ledger", temp.Ledger)).ExitCode);
        string vkey = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        Witnesses witnesses = await Witnesses.CreateAsync(temp, vkey, quorum: 2, count: 3);
        await using var tsa = new OpenSslTsa(Path.Combine(temp.Root, "tsa"), "receipt-tsa");
        string ingest = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        string auditor = (await CliRun.RunAsync("keys", "create", "--role", "auditor", "--ledger", temp.Ledger)).Out.Trim();
        using WitnessProcess w1 = await witnesses.StartAsync(0);
        using WitnessProcess w2 = await witnesses.StartAsync(1);

        // w3 stays down: the quorum is met by w1 and w2.
        using ServeProcess serve = await ServeProcess.StartAsync(temp.Ledger, "--witness-policy", witnesses.PolicyFile, "--witness-retry-max", "1", "--tsa", $"tsa1={tsa.Url}");
        serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
        string receipt;
        using (var post = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions?proof=true") { Content = new StringContent(Some.DecisionLines(1).Trim(), Encoding.UTF8, "application/json") })
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingest);
            using HttpResponseMessage posted = await serve.Client.SendAsync(post);
            receipt = await posted.Content.ReadAsStringAsync();
            Assert.True(posted.StatusCode == HttpStatusCode.OK, receipt + serve.Output);
        }

        JsonObject original = JsonNode.Parse(receipt)!.AsObject();
        long seq = original["seq"]!.GetValue<long>();
        long size = CheckpointNote.Open(original["checkpoint"]!.GetValue<string>(), NoteVerifier.Parse(vkey)).Size;
        Assert.False(original.ContainsKey("witnessed"));

        // The receipt as answered carries no cosignature: with a policy it fails, naming the missing member.
        string plain = await WriteAsync(temp, "plain.json", receipt);
        CliResult unwitnessed = await CliRun.RunAsync("verify", "--receipt", plain, "--key", vkey, "--witness-policy", witnesses.PolicyFile);
        Assert.True(unwitnessed.ExitCode == ExitCodes.VerificationFailed, unwitnessed.ToString());
        Assert.Contains("witnessed: missing", unwitnessed.Out, StringComparison.Ordinal);
        CliResult proofOnly = await CliRun.RunAsync("verify", "--receipt", plain, "--key", vkey);
        Assert.True(proofOnly.ExitCode == 0, proofOnly.ToString());

        // Once published (and time-stamped), the collector's proof endpoint answers the upgrade.
        JsonObject witnessed = await WaitForWitnessedAsync(serve, seq, size);
        Assert.Equal(seq, witnessed["proof"]!["leafIndex"]!.GetValue<long>());
        string upgradedLine = receipt.TrimEnd()[..^1] + ",\"witnessed\":" + witnessed.ToJsonString() + "}";
        string upgraded = await WriteAsync(temp, "upgraded.json", upgradedLine);

        // dledger proof upgrade gives the same upgrade, keeping every original member byte for byte.
        CliResult cliUpgrade = await CliRun.RunAsync("proof", "upgrade", plain, "--witness-policy", witnesses.PolicyFile, "--ledger", temp.Ledger);
        Assert.True(cliUpgrade.ExitCode == 0, cliUpgrade.ToString());
        string cliLine = cliUpgrade.Out.TrimEnd('\n');
        Assert.StartsWith(receipt.TrimEnd()[..^1] + ",\"witnessed\":{", cliLine, StringComparison.Ordinal);
        Assert.Equal(witnessed["cosignedCheckpoint"]!.GetValue<string>(), JsonNode.Parse(cliLine)!["witnessed"]!["cosignedCheckpoint"]!.GetValue<string>());

        CliResult passed = await CliRun.RunAsync("verify", "--receipt", upgraded, "--key", vkey, "--witness-policy", witnesses.PolicyFile, "--tsa-roots", tsa.RootPemPath);
        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("PASSED", passed.Out, StringComparison.Ordinal);
        // The witnesses answer concurrently, so their lines come in either order.
        Assert.Contains("cosigned: 2 valid cosignatures (", passed.Out, StringComparison.Ordinal);
        Assert.Contains("w1.example/witness", passed.Out, StringComparison.Ordinal);
        Assert.Contains("w2.example/witness); the policy requires 2 of (w1, w2, w3): met", passed.Out.Replace("w1.example/witness)", "w2.example/witness)", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("by 'tsa1'", passed.Out, StringComparison.Ordinal);
        CliResult cliPassed = await CliRun.RunAsync("verify", "--receipt", await WriteAsync(temp, "cli.json", cliLine), "--key", vkey, "--witness-policy", witnesses.PolicyFile, "--tsa-roots", tsa.RootPemPath);
        Assert.True(cliPassed.ExitCode == 0, cliPassed.ToString());

        // A cosignature over a different checkpoint (w2's key, another tree) is named as invalid.
        string cosigned = witnessed["cosignedCheckpoint"]!.GetValue<string>();
        string body = cosigned[..(cosigned.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
        string otherBody = body.Replace($"\n{size}\n", $"\n{size + 1}\n", StringComparison.Ordinal);
        string w2Line = Line(cosigned, "w2.example/witness");
        string replayed = cosigned.Replace(w2Line, witnesses.Signer(1).Cosign(otherBody, DateTimeOffset.UtcNow), StringComparison.Ordinal);
        CliResult otherCheckpoint = await VerifyTamperedAsync(temp, receipt, witnessed, "cosignedCheckpoint", JsonValue.Create(replayed), witnesses.PolicyFile);
        Assert.True(otherCheckpoint.ExitCode == ExitCodes.VerificationFailed, otherCheckpoint.ToString());
        Assert.Contains("The cosignature line by witness 'w2'", otherCheckpoint.Out, StringComparison.Ordinal);
        Assert.Contains("invalid (not over this checkpoint, or altered): w2; missing: w3.", otherCheckpoint.Out, StringComparison.Ordinal);

        // Too few: only w1's cosignature left.
        CliResult tooFew = await VerifyTamperedAsync(temp, receipt, witnessed, "cosignedCheckpoint", JsonValue.Create(cosigned.Replace(w2Line, string.Empty, StringComparison.Ordinal)), witnesses.PolicyFile);
        Assert.True(tooFew.ExitCode == ExitCodes.VerificationFailed, tooFew.ToString());
        Assert.Contains("requires 2 of (w1, w2, w3)", tooFew.Out, StringComparison.Ordinal);
        Assert.Contains("Valid: w1; invalid (not over this checkpoint, or altered): none; missing: w2, w3.", tooFew.Out, StringComparison.Ordinal);

        // A forged time-stamp token (one bit of its signature flipped) is named with the authority.
        byte[] token = Convert.FromBase64String(witnessed["timestamps"]!["tsa1"]!.GetValue<string>());
        token[^1] ^= 0x01;
        var forgedTokens = new JsonObject { ["tsa1"] = Convert.ToBase64String(token) };
        CliResult forged = await VerifyTamperedAsync(temp, receipt, witnessed, "timestamps", forgedTokens, witnesses.PolicyFile, tsa.RootPemPath);
        Assert.True(forged.ExitCode == ExitCodes.VerificationFailed, forged.ToString());
        Assert.Contains("witnessed.timestamps.tsa1 (", forged.Out, StringComparison.Ordinal);
        Assert.Contains("cosigned: 2 valid cosignatures", forged.Out, StringComparison.Ordinal);

        // The inclusion proof must be of this receipt's entry.
        var otherLeaf = (JsonObject)witnessed["proof"]!.DeepClone();
        otherLeaf["leafIndex"] = seq == 0 ? 1 : seq - 1;
        CliResult wrongEntry = await VerifyTamperedAsync(temp, receipt, witnessed, "proof", otherLeaf, witnesses.PolicyFile);
        Assert.True(wrongEntry.ExitCode == ExitCodes.VerificationFailed, wrongEntry.ToString());
        Assert.Contains("witnessed.proof.leafIndex:", wrongEntry.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProofUpgrade_BeforeAnyCheckpointIsPublished_PrintsTheReceiptUnchanged_AndSaysWhy()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "receipts.example/upgrade", "--ledger", temp.Ledger)).ExitCode);
        CliResult recorded = await CliRun.RunWithInputAsync(Some.DecisionLines(2), null, "record", "--proofs", "--ledger", temp.Ledger);
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        string vkey = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        Witnesses witnesses = await Witnesses.CreateAsync(temp, vkey, quorum: 1, count: 1);
        string receipts = await WriteAsync(temp, "receipts.jsonl", recorded.Out);

        CliResult upgrade = await CliRun.RunAsync("proof", "upgrade", receipts, "--witness-policy", witnesses.PolicyFile, "--ledger", temp.Ledger);
        CliResult timestampsOnly = await CliRun.RunAsync("proof", "upgrade", receipts, "--ledger", temp.Ledger);
        CliResult verified = await CliRun.RunAsync("verify", "--receipt", receipts, "--key", vkey);
        CliResult noKey = await CliRun.RunAsync("verify", "--receipt", receipts);

        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        Assert.Equal(recorded.Out, upgrade.Out);
        Assert.Contains("2 receipts not upgraded yet", upgrade.Error, StringComparison.Ordinal);
        Assert.Contains("1 of (w1)", upgrade.Error, StringComparison.Ordinal);

        // Without a policy (quorum none) every signed checkpoint counts: the receipts gain "witnessed" with no cosignature.
        Assert.True(timestampsOnly.ExitCode == 0, timestampsOnly.ToString());
        Assert.All(timestampsOnly.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains("\"witnessed\":{\"cosignedCheckpoint\":", line, StringComparison.Ordinal));
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Equal(2, verified.Out.Split('\n').Count(l => l.StartsWith("PASSED", StringComparison.Ordinal)));
        Assert.Equal(ExitCodes.BadInput, noKey.ExitCode);
        Assert.Contains("--key: required with --receipt", noKey.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_CheckpointSignedAtShutdownWhileWitnessesWereDown_IsPublishedOnTheNextStart()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "3", "--ledger", temp.Ledger)).ExitCode);
        string vkey = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        Witnesses witnesses = await Witnesses.CreateAsync(temp, vkey, quorum: 1, count: 1);
        string ingest = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        string monitor = (await CliRun.RunAsync("keys", "create", "--role", "monitor", "--ledger", temp.Ledger)).Out.Trim();

        // First run: the only witness is down, decisions come in, then SIGTERM signs the final checkpoint.
        using (ServeProcess first = await ServeProcess.StartAsync(temp.Ledger, "--witness-policy", witnesses.PolicyFile, "--witness-retry-max", "1"))
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Some.DecisionLines(4), Encoding.UTF8, "application/x-ndjson") };
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingest);
            using HttpResponseMessage posted = await first.Client.SendAsync(post);
            Assert.True(posted.StatusCode == HttpStatusCode.OK, await posted.Content.ReadAsStringAsync() + first.Output);
            Assert.Equal(0, await first.StopAsync());
        }

        string final = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;
        long size = CheckpointNote.Open(final, NoteVerifier.Parse(vkey)).Size;

        // Second run, no new decision: the witness is up and the shutdown checkpoint gets cosigned and published.
        using WitnessProcess w1 = await witnesses.StartAsync(0);
        using ServeProcess second = await ServeProcess.StartAsync(temp.Ledger, "--witness-policy", witnesses.PolicyFile, "--witness-retry-max", "1");
        second.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", monitor);
        DateTime deadline = DateTime.UtcNow + Patience;
        string last = string.Empty;
        while (true)
        {
            using HttpResponseMessage answer = await second.Client.GetAsync($"/v1/checkpoints/{size}/cosigned");
            last = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.OK && answer.Headers.GetValues("DecisionLedger-Published").Single() == "true")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"checkpoint {size} was never published after the restart: {last}\n{second.Output}");
            await Task.Delay(200);
        }

        CosignedCheckpoint cosigned = CosignedCheckpointVerifier.Verify(last, NoteVerifier.Parse(vkey), WitnessPolicy.Parse(await File.ReadAllTextAsync(witnesses.PolicyFile)));
        Assert.Equal(size, cosigned.Checkpoint.Size);
        Assert.StartsWith(final, last, StringComparison.Ordinal);
        Assert.Contains($"Witness w1 cosigned checkpoint {size}", second.Output, StringComparison.Ordinal);
    }

    private static async Task<CliResult> VerifyTamperedAsync(TempLedger temp, string receipt, JsonObject witnessed, string member, JsonNode value, string policy, string? roots = null)
    {
        var changed = (JsonObject)witnessed.DeepClone();
        changed[member] = value;
        string file = await WriteAsync(temp, $"tampered-{Guid.NewGuid():N}.json", receipt.TrimEnd()[..^1] + ",\"witnessed\":" + changed.ToJsonString() + "}");
        string[] arguments = roots is null
            ? ["verify", "--receipt", file, "--key", (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim(), "--witness-policy", policy]
            : ["verify", "--receipt", file, "--key", (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim(), "--witness-policy", policy, "--tsa-roots", roots];
        return await CliRun.RunAsync(arguments);
    }

    private static string Line(string note, string witness) =>
        note.Split('\n').Single(l => l.StartsWith("— " + witness + " ", StringComparison.Ordinal)) + "\n";

    private static async Task<string> WriteAsync(TempLedger temp, string name, string text)
    {
        string path = Path.Combine(temp.Root, name);
        await File.WriteAllTextAsync(path, text.EndsWith('\n') ? text : text + "\n");
        return path;
    }

    /// <summary>Polls <c>GET /v1/proof/witnessed</c> until it answers with a time-stamp token; 404 means "not yet".</summary>
    private static async Task<JsonObject> WaitForWitnessedAsync(ServeProcess serve, long seq, long size)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        string last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            using HttpResponseMessage answer = await serve.Client.GetAsync($"/v1/proof/witnessed?seq={seq}&treeSize={size}");
            last = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.OK && JsonNode.Parse(last)!.AsObject() is { } witnessed && witnessed["timestamps"]!.AsObject().ContainsKey("tsa1"))
            {
                return witnessed;
            }

            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, last);
            await Task.Delay(200);
        }

        throw new TimeoutException($"the receipt of seq {seq} was never witnessed and time-stamped: {last}\n{serve.Output}");
    }

    /// <summary>Witness keys made with <c>dledger witness init</c>, a logs file naming the ledger, and a policy with a quorum.</summary>
    private sealed class Witnesses
    {
        private readonly TempLedger _temp;
        private readonly string[] _urls;

        private Witnesses(TempLedger temp, string[] urls, string logs, string policyFile)
        {
            _temp = temp;
            _urls = urls;
            Logs = logs;
            PolicyFile = policyFile;
        }

        public string Logs { get; }

        public string PolicyFile { get; }

        public static async Task<Witnesses> CreateAsync(TempLedger temp, string vkey, int quorum, int count)
        {
            string logs = Path.Combine(temp.Root, "logs.txt");
            await File.WriteAllTextAsync(logs, $"log {vkey}\n");
            var policy = new StringBuilder($"log {vkey}\n");
            string[] urls = new string[count];
            for (int i = 1; i <= count; i++)
            {
                CliResult init = await CliRun.RunAsync("witness", "init", "--name", $"w{i}.example/witness", "--key", Path.Combine(temp.Root, $"w{i}.key"));
                Assert.True(init.ExitCode == 0, init.ToString());
                urls[i - 1] = $"http://127.0.0.1:{FreePort()}";
                policy.Append($"witness w{i} {init.Out.Trim()} {urls[i - 1]}\n");
            }

            policy.Append($"group q {quorum} {string.Join(' ', Enumerable.Range(1, count).Select(i => $"w{i}"))}\nquorum q\n");
            string policyFile = Path.Combine(temp.Root, "policy.txt");
            await File.WriteAllTextAsync(policyFile, policy.ToString());
            return new Witnesses(temp, urls, logs, policyFile);
        }

        public Task<WitnessProcess> StartAsync(int index) =>
            WitnessProcess.StartAsync(Logs, Path.Combine(_temp.Root, $"w{index + 1}.db"), Path.Combine(_temp.Root, $"w{index + 1}.key"), _urls[index]);

        public WitnessSigner Signer(int index) => WitnessSigner.Parse(File.ReadAllText(Path.Combine(_temp.Root, $"w{index + 1}.key")).Trim());

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
