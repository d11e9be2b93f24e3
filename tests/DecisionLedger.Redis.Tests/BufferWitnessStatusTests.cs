using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Randomness;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// A collector in buffer mode does not ask the witnesses (the elected sequencer does), so its
/// <c>/v1/witnesses</c> and verification page read what the shared store holds: the newest checkpoint,
/// whether it is published, each witness's largest cosigned size; and say who publishes.
/// </summary>
public sealed class BufferWitnessStatusTests
{
    [RedisFact]
    public async Task Witnesses_InBufferMode_ShowTheCosignaturesTheStoreHolds_AndSayTheSequencerPublishes()
    {
        using var ledger = new TestLedger();
        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            for (int i = 0; i < 3; i++)
            {
                await opened.Recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.DecisionJson(i))));
            }
        }

        WitnessSigner w1 = WitnessSigner.Generate("w1.example/witness", new SeededRandomSource(11));
        WitnessSigner w2 = WitnessSigner.Generate("w2.example/witness", new SeededRandomSource(12));
        long size;
        await using (var store = new SqliteLedgerStore(ledger.Directory.DatabasePath))
        {
            await store.OpenAsync();
            StoredCheckpoint latest = (await store.GetLatestCheckpointAsync())!;
            size = latest.TreeSize;
            string body = latest.SignedNote[..(latest.SignedNote.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
            Assert.True(await store.AddAttestationAsync(new CheckpointAttestation(
                latest.TreeSize, latest.RootHash, CheckpointAttestationKind.Cosignature, w1.Name, Encoding.UTF8.GetBytes(w1.Cosign(body, DateTimeOffset.UtcNow)), DateTimeOffset.UtcNow)));
        }

        string policy = Path.Combine(ledger.Root, "policy.txt");
        await File.WriteAllTextAsync(policy, $"""
            log {ledger.Directory.VerifierKey}
            witness w1 {w1.VerifierKey} http://127.0.0.1:1
            witness w2 {w2.VerifierKey} http://127.0.0.1:1
            group any-one 1 w1 w2
            group both 2 w1 w2
            quorum any-one

            """);
        string monitor = new ApiKeyStore(ledger.LedgerPath).Create(ApiKeyRole.Monitor, "status").Key;
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using CollectorBufferTests.Collector collector = await CollectorBufferTests.Collector.StartAsync(ledger, scope.Options, o => o.Witnessing.PolicyPath = policy);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/witnesses");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", monitor);
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement status = JsonDocument.Parse(text).RootElement;

        Assert.True(response.IsSuccessStatusCode, text);
        Assert.False(status.GetProperty("publishing").GetBoolean());
        Assert.Equal("store", status.GetProperty("source").GetString());
        Assert.Contains("sequencer", status.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(size, status.GetProperty("latestSize").GetInt64());
        Assert.True(status.GetProperty("latestPublished").GetBoolean(), text);
        Assert.Equal(size, status.GetProperty("publishedSize").GetInt64());
        JsonElement[] witnesses = [.. status.GetProperty("witnesses").EnumerateArray()];
        Assert.Equal(size, witnesses.Single(w => w.GetProperty("name").GetString() == "w1").GetProperty("cosignedSize").GetInt64());
        Assert.Equal(0, witnesses.Single(w => w.GetProperty("name").GetString() == "w2").GetProperty("cosignedSize").GetInt64());

        // Failure counters exist only in the publishing process: the collector does not pretend to have them.
        Assert.All(witnesses, w => Assert.False(w.TryGetProperty("failures", out _)));
    }
}
