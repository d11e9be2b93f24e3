using System.Net;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// A KServe CloudEvent half answered 202 survives a kill -9 of <c>dledger serve</c>: the restarted collector
/// replays its pending-halves journal, pairs the late partner, takes a redelivery as the same half, and records
/// a half whose partner never came once its timeout (counted from the first acceptance) has passed.
/// </summary>
public sealed class ServeCrashTests
{
    private const string Request = "{\"instances\":[[6.8,2.8,4.8,1.4]]}";
    private const string Response = "{\"predictions\":[1]}";

    [Fact]
    public async Task Serve_KilledWithHalvesPending_RestartPairsRedeliversAndTimesOut_NothingLostNothingTwice()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "crash.example/cloudevents")).ExitCode);
        string ingest = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        string reader = (await CliRun.RunAsync("keys", "create", "--role", "reader", "--ledger", temp.Ledger)).Out.Trim();

        // 1. Two requests answered 202, then the collector dies.
        using (ServeProcess first = await ServeProcess.StartAsync(temp.Ledger, "--cloudevent-timeout", "600"))
        {
            Assert.Equal(HttpStatusCode.Accepted, await PostAsync(first, ingest, "pair-1", request: true));
            Assert.Equal(HttpStatusCode.Accepted, await PostAsync(first, ingest, "redo-1", request: true));
            first.Kill();
        }

        // 2. After the restart: the redelivered request is the same half, the responses pair with the replayed requests.
        using (ServeProcess second = await ServeProcess.StartAsync(temp.Ledger, "--cloudevent-timeout", "600"))
        {
            using HttpResponseMessage redelivered = await SendAsync(second, ingest, "redo-1", request: true);
            Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
            Assert.Contains("\"status\":\"redelivered\"", await redelivered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, await PostAsync(second, ingest, "pair-1", request: false));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(second, ingest, "redo-1", request: false));
            JsonElement pair = await ShowAsync(second, reader, "pair-1");
            Assert.Equal(4, pair.GetProperty("latencyMs").GetDouble(), 3);
            Assert.Equal("[1]", pair.GetProperty("output").GetProperty("predictions").GetRawText());
            Assert.False(pair.GetProperty("metadata").TryGetProperty("missingHalf", out _));

            // A response whose request never comes, then the collector dies again.
            Assert.Equal(HttpStatusCode.Accepted, await PostAsync(second, ingest, "lone-1", request: false));
            second.Kill();
        }

        // 3. Restarted with a timeout already passed since lone-1 was accepted: it is recorded alone at start.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using (ServeProcess third = await ServeProcess.StartAsync(temp.Ledger, "--cloudevent-timeout", "1"))
        {
            JsonElement lone = await WaitForAsync(third, reader, "lone-1");
            Assert.Equal("request", lone.GetProperty("metadata").GetProperty("missingHalf").GetString());
            Assert.Equal("timeout", lone.GetProperty("metadata").GetProperty("recordedAlone").GetString());
            Assert.Equal("[1]", lone.GetProperty("output").GetProperty("predictions").GetRawText());
            Assert.Equal(0, await third.StopAsync());
        }

        // Three decisions, each once, and the ledger verifies.
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        using JsonDocument report = JsonDocument.Parse(verify.Out);
        Assert.Equal(3, report.RootElement.GetProperty("treeSize").GetInt64());
        Assert.Equal(0, new FileInfo(Path.Combine(temp.Ledger, "cloudevents-pending.jsonl")).Length);
    }

    private static async Task<HttpStatusCode> PostAsync(ServeProcess serve, string key, string id, bool request)
    {
        using HttpResponseMessage response = await SendAsync(serve, key, id, request);
        return response.StatusCode;
    }

    /// <summary>A binary-mode event as KServe's inference logger sends it.</summary>
    private static Task<HttpResponseMessage> SendAsync(ServeProcess serve, string key, string id, bool request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/cloudevents") { Content = new StringContent(request ? Request : Response, Encoding.UTF8, "application/json") };
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        message.Headers.TryAddWithoutValidation("Ce-Specversion", "1.0");
        message.Headers.TryAddWithoutValidation("Ce-Id", id);
        message.Headers.TryAddWithoutValidation("Ce-Source", "http://localhost:9081/");
        message.Headers.TryAddWithoutValidation("Ce-Type", request ? "org.kubeflow.serving.inference.request" : "org.kubeflow.serving.inference.response");
        message.Headers.TryAddWithoutValidation("Ce-Time", request ? "2026-11-23T12:00:00.000Z" : "2026-11-23T12:00:00.004Z");
        message.Headers.TryAddWithoutValidation("Ce-Inferenceservicename", "sklearn-iris");
        return serve.Client.SendAsync(message);
    }

    private static async Task<JsonElement> ShowAsync(ServeProcess serve, string key, string id)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "/v1/decisions/" + id);
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using HttpResponseMessage response = await serve.Client.SendAsync(message);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{id}: {(int)response.StatusCode} {body}\n{serve.Output}");
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>A half recorded alone at start is committed in the background: poll for it (bounded, generous for a loaded machine).</summary>
    private static async Task<JsonElement> WaitForAsync(ServeProcess serve, string key, string id)
    {
        for (int attempt = 0; attempt < 300; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/v1/decisions/" + id);
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using HttpResponseMessage response = await serve.Client.SendAsync(message);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await ShowAsync(serve, key, id);
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"{id} was not recorded within 30 s:\n{serve.Output}");
    }
}
