using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Ledger;
using DecisionLedger.Randomness;
using DecisionLedger.Server;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// The Witnesses card of the verification page in a real headless chromium, against a collector started
/// with a witness policy of two witnesses, quorum 1: w1 cosigned the newest checkpoint (a real cosignature
/// kept in the store), w2 is unreachable, so the real publisher counts its failures.
/// </summary>
public sealed class WitnessesCardTests
{
    [BrowserFact]
    public async Task VerificationPage_WithAWitnessPolicy_ShowsThePublishedVerdictAndEachWitness()
    {
        WitnessSigner w1 = WitnessSigner.Generate("w1.example/witness", new SeededRandomSource(21));
        WitnessSigner w2 = WitnessSigner.Generate("w2.example/witness", new SeededRandomSource(22));
        await using var collector = new DashboardCollector(DashboardCollector.DecisionCount, null, prepare: async (self, options) =>
            await PrepareAsync(self, options, w1, w2));
        await collector.InitializeAsync();
        await WaitForFailuresAsync(collector);

        (int exitCode, string output) = await BrowserScript.RunAsync(collector.BaseUrl, collector.AuditorKey, "witnesses");

        Assert.True(exitCode == 0, $"the witnesses script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
        Assert.True(new FileInfo(Path.Combine(BrowserScript.ScreenshotDirectory, "06-witnesses.png")).Length > 10_000, "06-witnesses.png is missing or empty");
    }

    [BrowserRedisFact]
    public async Task VerificationPage_InBufferMode_ShowsTheStoresCosignatures_AndThatTheSequencerPublishes()
    {
        WitnessSigner w1 = WitnessSigner.Generate("w1.example/witness", new SeededRandomSource(31));
        WitnessSigner w2 = WitnessSigner.Generate("w2.example/witness", new SeededRandomSource(32));
        await using var collector = new DashboardCollector(DashboardCollector.DecisionCount, null, prepare: async (self, options) =>
        {
            await PrepareAsync(self, options, w1, w2);
            options.RedisBuffer = new DecisionLedger.Redis.RedisBufferOptions
            {
                Configuration = Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS")!,
                KeyPrefix = "dldash-" + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal),
            };
        });
        await collector.InitializeAsync();

        (int exitCode, string output) = await BrowserScript.RunAsync(collector.BaseUrl, collector.AuditorKey, "witnesses-store");

        Assert.True(exitCode == 0, $"the witnesses-store script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
    }

    /// <summary>Keeps w1's real cosignature of the newest checkpoint in the store and points the collector at a policy of w1 and w2 (both unreachable), quorum 1.</summary>
    private static async Task PrepareAsync(DashboardCollector self, CollectorOptions options, WitnessSigner w1, WitnessSigner w2)
    {
        LedgerDirectory ledger = LedgerDirectory.Open(self.LedgerPath);
        await using (var store = new SqliteLedgerStore(ledger.DatabasePath))
        {
            await store.OpenAsync();
            StoredCheckpoint latest = (await store.GetLatestCheckpointAsync())!;
            string body = latest.SignedNote[..(latest.SignedNote.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
            await store.AddAttestationAsync(new CheckpointAttestation(
                latest.TreeSize, latest.RootHash, CheckpointAttestationKind.Cosignature, w1.Name, Encoding.UTF8.GetBytes(w1.Cosign(body, DateTimeOffset.UtcNow)), DateTimeOffset.UtcNow));
        }

        string policy = Path.Combine(self.Root, "policy.txt");
        await File.WriteAllTextAsync(policy, $"""
            log {ledger.VerifierKey}
            witness w1 {w1.VerifierKey} http://127.0.0.1:1
            witness w2 {w2.VerifierKey} http://127.0.0.1:1
            group any-one 1 w1 w2
            quorum any-one

            """);
        options.Witnessing.PolicyPath = policy;
    }

    /// <summary>Waits until the publisher tried w2 (its retry starts at 1 s), so the card has a failure to show.</summary>
    private static async Task WaitForFailuresAsync(DashboardCollector collector)
    {
        string last = string.Empty;
        for (int attempt = 0; attempt < 600; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/witnesses");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", collector.AuditorKey);
            using HttpResponseMessage response = await collector.Client.SendAsync(request);
            last = await response.Content.ReadAsStringAsync();
            JsonElement status = JsonDocument.Parse(last).RootElement;
            if (status.GetProperty("publishing").GetBoolean() && status.GetProperty("latestPublished").GetBoolean()
                && status.GetProperty("witnesses").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "w2").GetProperty("failures").GetInt64() > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the publisher never reported w2's failure: " + last);
    }
}
