using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// The ledger side of witnessing with real processes: <c>dledger serve --witness-policy</c> and three
/// <c>dledger witness serve</c> processes, quorum 2. One witness is down, one was shown a fork of the
/// same size signed with the ledger's key: the fork's witness refuses and the ledger reports the
/// split view, ingestion goes on, and the checkpoint is published once the down witness is back.
/// </summary>
public sealed class WitnessPublishingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Serve_ThreeWitnessesQuorumTwo_OneDownOneShownAFork_DetectsTheSplitView_KeepsIngesting_PublishesWhenTheDownOneReturns()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "7", "--ledger", temp.Ledger)).ExitCode);
        string fork = Path.Combine(temp.Root, "fork");
        CopyDirectory(temp.Ledger, fork);
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "5", "--ledger", fork)).ExitCode);
        string forked12 = (await CliRun.RunAsync("checkpoint", "--ledger", fork)).Out;
        NoteVerifier logKey = NoteVerifier.Parse((await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim());
        Assert.Equal(12, CheckpointNote.Open(forked12, logKey).Size);

        string logs = Path.Combine(temp.Root, "logs.txt");
        await File.WriteAllTextAsync(logs, $"log {logKey.VerifierKey}\n");
        string[] urls = new string[3];
        var policy = new StringBuilder($"log {logKey.VerifierKey}\n");
        for (int i = 1; i <= 3; i++)
        {
            CliResult init = await CliRun.RunAsync("witness", "init", "--name", $"w{i}.example/witness", "--key", Path.Combine(temp.Root, $"w{i}.key"));
            Assert.True(init.ExitCode == 0, init.ToString());
            urls[i - 1] = $"http://127.0.0.1:{FreePort()}";
            policy.Append($"witness w{i} {init.Out.Trim()} {urls[i - 1]}\n");
        }

        policy.Append("group two-of-three 2 w1 w2 w3\nquorum two-of-three\n");
        string policyFile = Path.Combine(temp.Root, "policy.txt");
        await File.WriteAllTextAsync(policyFile, policy.ToString());
        WitnessPolicy parsedPolicy = WitnessPolicy.Parse(policy.ToString());
        string ingest = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        string monitor = (await CliRun.RunAsync("keys", "create", "--role", "monitor", "--ledger", temp.Ledger)).Out.Trim();
        string auditor = (await CliRun.RunAsync("keys", "create", "--role", "auditor", "--ledger", temp.Ledger)).Out.Trim();

        // w3 is shown the fork first: it now holds size 12 with the forked root.
        using WitnessProcess w3 = await WitnessProcess.StartAsync(logs, Path.Combine(temp.Root, "w3.db"), Path.Combine(temp.Root, "w3.key"), urls[2]);
        Assert.Equal(200, (await w3.AddCheckpointAsync(new AddCheckpointRequest(0, [], forked12).ToBody())).Status);
        using WitnessProcess w1 = await WitnessProcess.StartAsync(logs, Path.Combine(temp.Root, "w1.db"), Path.Combine(temp.Root, "w1.key"), urls[0]);

        // w2 is down: never started yet.
        using ServeProcess serve = await ServeProcess.StartAsync(temp.Ledger, "--witness-policy", policyFile, "--witness-retry-max", "1");
        serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", monitor);

        using (var post = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Some.DecisionLines(5), Encoding.UTF8, "application/x-ndjson") })
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ingest);
            using HttpResponseMessage posted = await serve.Client.SendAsync(post);
            Assert.True(posted.StatusCode == HttpStatusCode.OK, await posted.Content.ReadAsStringAsync() + serve.Output);
        }

        // The honest checkpoint 12: w1 cosigns it, w3 refuses it (it holds the fork), w2 is unreachable.
        JsonElement status = await WaitForAsync(serve, s =>
            s.GetProperty("latestSize").ValueKind == JsonValueKind.Number && s.GetProperty("latestSize").GetInt64() == 12
            && Witness(s, "w1").GetProperty("cosignedSize").GetInt64() == 12
            && Witness(s, "w3").GetProperty("lastError").GetString() is { } error && error.Contains("422 from old size 12", StringComparison.Ordinal)
            && Witness(s, "w2").GetProperty("failures").GetInt64() >= 2);
        Assert.False(status.GetProperty("latestPublished").GetBoolean());
        Assert.Contains("split view", Witness(status, "w3").GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Witness(status, "w3").GetProperty("cosignedSize").GetInt64());
        Assert.Contains("SPLIT VIEW? Witness w3 refused checkpoint 12", serve.Output, StringComparison.Ordinal);
        Assert.Contains("refused add-checkpoint with 422", w3.Output, StringComparison.Ordinal);
        string metrics = await serve.Client.GetStringAsync("/metrics");
        Assert.Contains("decisionledger_witness_split_views_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("witness=\"w3\"", metrics, StringComparison.Ordinal);
        Assert.Contains("decisionledger_witness_retries_total{", metrics, StringComparison.Ordinal);

        // The dashboard's verification page reads the same status from GET /v1/verification.
        using (var verification = new HttpRequestMessage(HttpMethod.Get, "/v1/verification"))
        {
            verification.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            using HttpResponseMessage answer = await serve.Client.SendAsync(verification);
            JsonElement witnessing = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("witnessing");
            Assert.Equal("2 of (w1, w2, w3)", witnessing.GetProperty("quorum").GetString());
            Assert.True(Witness(witnessing, "w3").GetProperty("splitViews").GetInt64() >= 1);
        }

        // Not published yet: /tlog/checkpoint says so.
        using (HttpResponseMessage unpublished = await serve.Client.GetAsync("/tlog/checkpoint"))
        {
            Assert.Equal("false", unpublished.Headers.GetValues("DecisionLedger-Published").Single());
        }

        // w2 comes back: the publisher's retry reaches it and checkpoint 12 gets its second cosignature.
        using WitnessProcess w2 = await WitnessProcess.StartAsync(logs, Path.Combine(temp.Root, "w2.db"), Path.Combine(temp.Root, "w2.key"), urls[1]);
        await WaitForAsync(serve, s => s.GetProperty("latestPublished").GetBoolean());

        string published = await serve.Client.GetStringAsync("/tlog/checkpoint");
        CosignedCheckpoint cosigned = CosignedCheckpointVerifier.Verify(published, logKey, parsedPolicy);
        Assert.Equal(12, cosigned.Checkpoint.Size);
        Assert.Equal(["w1.example/witness", "w2.example/witness"], cosigned.Cosignatures.Select(c => c.Witness.Name).Order());
        Assert.NotEqual(CheckpointNote.Open(forked12, logKey).RootHash, cosigned.Checkpoint.RootHash);
        Assert.Throws<WitnessQuorumException>(() => CosignedCheckpointVerifier.Verify(forked12, logKey, parsedPolicy));
        using (HttpResponseMessage bySize = await serve.Client.GetAsync("/v1/checkpoints/12/cosigned"))
        {
            Assert.Equal(HttpStatusCode.OK, bySize.StatusCode);
            Assert.Equal("true", bySize.Headers.GetValues("DecisionLedger-Published").Single());
            Assert.Equal(12, CosignedCheckpointVerifier.Verify(await bySize.Content.ReadAsStringAsync(), logKey, parsedPolicy).Checkpoint.Size);
        }

        // No checkpoint of that size exists (the five decisions may have been sequenced in one batch or
        // several, so only a size beyond the tree is certain to be absent).
        using HttpResponseMessage missing = await serve.Client.GetAsync("/v1/checkpoints/1000/cosigned");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Serve_WitnessPolicyWithoutUrlForAWitness_Exits2NamingTheOption()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "1", "--ledger", temp.Ledger)).ExitCode);
        string vkey = (await CliRun.RunAsync("witness", "init", "--name", "w1.example", "--key", Path.Combine(temp.Root, "w1.key"))).Out.Trim();
        string policy = Path.Combine(temp.Root, "policy.txt");
        await File.WriteAllTextAsync(policy, $"witness w1 {vkey}\nquorum w1\n");

        CliResult noUrl = await CliRun.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--ledger", temp.Ledger, "--witness-policy", policy);
        CliResult unknown = await CliRun.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--ledger", temp.Ledger, "--witness-policy", policy, "--witness", "w9=http://127.0.0.1:1");

        Assert.Equal(2, noUrl.ExitCode);
        Assert.Contains("--witness: witness 'w1'", noUrl.Error, StringComparison.Ordinal);
        Assert.Contains("no submission URL", noUrl.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--witness: 'w9' is not a witness", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sequence_UnreadableWitnessPolicy_Exits2NamingTheOption_BeforeAnyElection()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "sequence.example/x")).ExitCode);

        CliResult result = await CliRun.RunAsync(
            "sequence", "--ledger", temp.Ledger, "--redis", "127.0.0.1:1", "--election", "Host=127.0.0.1;Port=1",
            "--witness-policy", Path.Combine(temp.Root, "missing-policy.txt"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--witness-policy: cannot read", result.Error, StringComparison.Ordinal);
    }

    private static JsonElement Witness(JsonElement status, string name) =>
        status.GetProperty("witnesses").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);

    private static async Task<JsonElement> WaitForAsync(ServeProcess serve, Func<JsonElement, bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await serve.Client.GetStringAsync("/v1/witnesses");
            JsonElement status = JsonDocument.Parse(last).RootElement.Clone();
            if (status.GetProperty("publishing").GetBoolean() && status.TryGetProperty("latestSize", out _) && condition(status))
            {
                return status;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"witnessing status never reached the expected state: {last}\n{serve.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
