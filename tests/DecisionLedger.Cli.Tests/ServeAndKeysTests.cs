using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DecisionLedger.Access;
using DecisionLedger.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Tests;

public sealed class ServeAndKeysTests
{
    [Fact]
    public async Task KeysCreate_PrintsKeyOnce_StoresOnlyItsHash()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "keys.example/x")).ExitCode);

        CliResult created = await CliRun.RunAsync("keys", "create", "--role", "ingest", "--name", "svc-a", "--ledger", temp.Ledger);

        Assert.Equal(0, created.ExitCode);
        string key = created.Out.Trim();
        Assert.Matches("^dl_[0-9a-f]{12}_[0-9a-f]{48}$", key);
        string file = await File.ReadAllTextAsync(Path.Combine(temp.Ledger, "api-keys.json"));
        Assert.DoesNotContain(key["dl_".Length..].Split('_')[1], file, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Ledger, "api-keys.json")));
        CliResult list = await CliRun.RunAsync("keys", "list", "--ledger", temp.Ledger, "--json");
        using JsonDocument keys = JsonDocument.Parse(list.Out);
        JsonElement only = Assert.Single(keys.RootElement.EnumerateArray());
        Assert.Equal("svc-a", only.GetProperty("name").GetString());
        Assert.Equal("ingest", only.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("revoked").ValueKind);
    }

    [Fact]
    public async Task KeysRevoke_ThenList_ShowsRevoked()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "keys.example/x");
        string key = (await CliRun.RunAsync("keys", "create", "--role", "reader", "--ledger", temp.Ledger)).Out.Trim();
        string id = key.Split('_')[1];

        CliResult revoked = await CliRun.RunAsync("keys", "revoke", id, "--ledger", temp.Ledger);

        Assert.Equal(0, revoked.ExitCode);
        using JsonDocument keys = JsonDocument.Parse((await CliRun.RunAsync("keys", "list", "--ledger", temp.Ledger, "--json")).Out);
        Assert.NotEqual(JsonValueKind.Null, keys.RootElement[0].GetProperty("revoked").ValueKind);
        Assert.Equal(2, (await CliRun.RunAsync("keys", "revoke", "nosuchid", "--ledger", temp.Ledger)).ExitCode);
    }

    [Fact]
    public async Task KeysCreate_UnknownRole_Exits2NamingRoles()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "keys.example/x");

        CliResult result = await CliRun.RunAsync("keys", "create", "--role", "root", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ingest, reader, auditor or admin", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessLog_FilteredByRequestId_ShowsOnlyReadsOfIt()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "keys.example/x");
        var log = new AccessLog(temp.Ledger);
        await log.AppendAsync(new AccessRecord(DateTimeOffset.UnixEpoch, "k1", "jane", "reader", "GET /v1/decisions/{requestId}", ["r-1"], [0]));
        await log.AppendAsync(new AccessRecord(DateTimeOffset.UnixEpoch, "k2", "bob", "auditor", "GET /v1/decisions", ["r-2", "r-3"], [2, 1]));

        CliResult result = await CliRun.RunAsync("access-log", "--request-id", "r-3", "--ledger", temp.Ledger, "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Out);
        JsonElement entry = Assert.Single(json.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal("bob", entry.GetProperty("keyName").GetString());
    }

    [Fact]
    public async Task Serve_PostThenCancel_DrainsSoVerifyPasses()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "serve.example/x");
        string key = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        var stderr = new SyncWriter();
        var environment = new CliEnvironment(new StringWriter(), stderr, () => new MemoryStream(), IsTerminal: false, TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        Task<int> serve = CliApplication.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--ledger", temp.Ledger], environment, stop.Token);
        string address = await WaitForAddressAsync(stderr, serve);
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Some.DecisionLines(5), Encoding.UTF8, "application/x-ndjson") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stop.CancelAsync();

        Assert.Equal(0, await serve);
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        Assert.Equal(0, verify.ExitCode);
        using JsonDocument report = JsonDocument.Parse(verify.Out);
        Assert.Equal(5, report.RootElement.GetProperty("treeSize").GetInt64());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("90000")]
    public async Task Serve_BadCloudEventTimeout_Exits2NamingTheOption(string seconds)
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "serve.example/x");

        CliResult result = await CliRun.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--cloudevent-timeout", seconds, "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cloudevent-timeout", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProofRoutes_SameLedger_AnswerExactlyWhatProofCommandPrints()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "proof.example/x");
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(7), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        string key = (await CliRun.RunAsync("keys", "create", "--role", "auditor", "--ledger", temp.Ledger)).Out.Trim();
        string cliInclusion = (await CliRun.RunAsync("proof", "inclusion", "--seq", "3", "--ledger", temp.Ledger, "--json")).Out;
        string cliConsistency = (await CliRun.RunAsync("proof", "consistency", "--from", "2", "--to", "7", "--ledger", temp.Ledger, "--json")).Out;

        await using WebApplication app = CollectorApp.Build(temp.Ledger, ["http://127.0.0.1:0"], configure: b => b.Logging.ClearProviders());
        await app.StartAsync();
        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        using var client = new HttpClient { BaseAddress = new Uri(addresses.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        string apiInclusion = await client.GetStringAsync("/v1/proof/inclusion?seq=3");
        string apiConsistency = await client.GetStringAsync("/v1/proof/consistency?from=2&to=7");
        await app.StopAsync();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cliInclusion), JsonNode.Parse(apiInclusion)), $"{cliInclusion} vs {apiInclusion}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cliConsistency), JsonNode.Parse(apiConsistency)), $"{cliConsistency} vs {apiConsistency}");
        Assert.Contains("\"treeSize\":7", apiInclusion, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForAddressAsync(SyncWriter stderr, Task<int> serve)
    {
        for (int i = 0; i < 300; i++)
        {
            Match match = Regex.Match(stderr.Text, @"listening on (http://[^ ,]+)");
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            if (serve.IsCompleted)
            {
                Assert.Fail($"serve exited {await serve}: {stderr.Text}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(stderr.Text);
    }

    /// <summary>A writer the serving task writes to while the test polls it.</summary>
    private sealed class SyncWriter : StringWriter
    {
        private readonly object _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }

            return Task.CompletedTask;
        }
    }
}
