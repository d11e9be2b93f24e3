using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Load shedding on a real <c>dledger serve</c> process (issue 12, "Load shedding, as documented"): many clients
/// for a bounded few seconds against a small queue and a small ingest limit. Some are shed with 503, Retry-After
/// and a problem detail; nothing acknowledged is lost (every 200's receipt is in the ledger under its seq, and
/// no line refused for a full queue is); <c>verify</c> passes; peak RSS stays under a stated bound. Before the
/// fix nobody got a 503 and RSS grew with the clients.
/// </summary>
public sealed class ServeOverloadTests(ITestOutputHelper output)
{
    private const int Clients = 300;
    private const int LinesPerBatch = 20;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(4);

    /// <summary>The stated bound on the collector's peak RSS under this overload.</summary>
    private const double PeakRssBoundMiB = 300;

    [Fact]
    public async Task Serve_OverloadedByManyClients_ShedsWith503RetryAfter_LosesNothingAcknowledged_RssBounded()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "overload.example/collector")).ExitCode);
        string ingest = (await CliRun.RunAsync("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        using ServeProcess serve = await ServeProcess.StartAsync(
            temp.Ledger, "--queue-capacity", "256", "--enqueue-timeout", "0.25", "--max-concurrent-ingests", "16", "--max-queued-ingests", "32");

        var acknowledged = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var refused = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var stop = Stopwatch.StartNew();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Clients };
        using var client = new HttpClient(handler) { BaseAddress = serve.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        async Task RunClientAsync(int c)
        {
            for (int round = 0; stop.Elapsed < Duration; round++)
            {
                string prefix = string.Create(CultureInfo.InvariantCulture, $"c{c}-r{round}-");
                string body = string.Join('\n', Enumerable.Range(0, LinesPerBatch).Select(i => Line(prefix + i, i)));
                using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ingest);
                using HttpResponseMessage response = await client.SendAsync(message);
                string text = await response.Content.ReadAsStringAsync();
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                using JsonDocument json = JsonDocument.Parse(text);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("1", response.Headers.RetryAfter?.ToString());
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.Equal(503, json.RootElement.GetProperty("status").GetInt32());
                    continue;
                }

                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                foreach (JsonElement receipt in json.RootElement.GetProperty("receipts").EnumerateArray())
                {
                    acknowledged[receipt.GetProperty("requestId").GetString()!] = receipt.GetProperty("seq").GetInt64();
                }

                foreach (JsonElement error in json.RootElement.GetProperty("errors").EnumerateArray())
                {
                    refused.Add(prefix + (error.GetProperty("line").GetInt64() - 1).ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => RunClientAsync(c))));
        double peak = ProcessStats.PeakRssMiB(serve.Id);
        output.WriteLine($"{Clients} clients × {Duration.TotalSeconds} s: statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}; {acknowledged.Count} decisions acknowledged, {refused.Count} lines refused; collector peak RSS {peak:0} MiB");
        Assert.Equal(0, await serve.StopAsync());

        Assert.True(statuses.GetValueOrDefault(503) > 0, "nobody was shed");
        Assert.NotEmpty(acknowledged);
        Assert.True(peak < PeakRssBoundMiB, $"collector peak RSS {peak:0} MiB, bound {PeakRssBoundMiB} MiB");

        // Every acknowledged receipt is in the ledger under its seq; no refused line is.
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = new SqliteConnection($"Data Source={temp.Database};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            using SqliteCommand select = connection.CreateCommand();
            select.CommandText = "SELECT request_id, seq FROM entries";
            using SqliteDataReader reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        foreach ((string requestId, long seq) in acknowledged)
        {
            Assert.True(stored.TryGetValue(requestId, out long at) && at == seq, $"{requestId} was acknowledged at seq {seq} but is not in the ledger there");
        }

        Assert.DoesNotContain(refused, stored.ContainsKey);

        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static string Line(string requestId, int i) =>
        "{\"requestId\":\"" + requestId + "\",\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":{\"amount\":" + i.ToString(CultureInfo.InvariantCulture) + ".5},\"output\":{\"label\":\"legit\",\"score\":0.12}}";
}
