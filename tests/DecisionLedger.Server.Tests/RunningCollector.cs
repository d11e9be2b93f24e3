using System.Net.Http.Headers;
using System.Text;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// A collector on real Kestrel at 127.0.0.1:0 over a real ledger directory seeded with three decisions
/// (request ids seed-0..seed-2) and a checkpoint, with one key per role and one revoked key.
/// </summary>
public sealed class RunningCollector : IAsyncDisposable
{
    public const int SeedCount = 3;

    private WebApplication? _app;

    private RunningCollector(string root)
    {
        Root = root;
    }

    public string Root { get; }

    public string LedgerPath => Path.Combine(Root, "ledger");

    public Dictionary<ApiKeyRole, string> Keys { get; } = [];

    public string RevokedKey { get; private set; } = string.Empty;

    public HttpClient Client { get; private set; } = new();

    public ListLoggerProvider Logs { get; } = new();

    /// <summary>The running app's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The server is not running.");

    public ApiKeyStore KeyStore => new(LedgerPath);

    public static async Task<RunningCollector> StartAsync(CollectorOptions? options = null)
    {
        var collector = new RunningCollector(Path.Combine(Path.GetTempPath(), "dledger-server-" + Path.GetRandomFileName()));
        LedgerDirectory ledger = LedgerDirectory.Create(collector.LedgerPath, "test.example/collector");
        await using (var store = new SqliteLedgerStore(ledger.DatabasePath))
        {
            await store.OpenAsync();
            await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin });
            for (int i = 0; i < SeedCount; i++)
            {
                await recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.DecisionJson(i, "seed-" + i))));
            }
        }

        ApiKeyStore keys = collector.KeyStore;
        foreach (ApiKeyRole role in Enum.GetValues<ApiKeyRole>())
        {
            collector.Keys[role] = keys.Create(role, "test-" + ApiKeyRoles.Name(role)).Key;
        }

        CreatedApiKey revoked = keys.Create(ApiKeyRole.Admin, "revoked");
        keys.Revoke(revoked.Record.Id);
        collector.RevokedKey = revoked.Key;

        await collector.StartServerAsync(options);
        return collector;
    }

    public async Task StartServerAsync(CollectorOptions? options = null)
    {
        _app = CollectorApp.Build(LedgerPath, ["http://127.0.0.1:0"], options, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
        });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client.Dispose();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    /// <summary>Stops the server: requests drain, the recorder drains and signs a final checkpoint.</summary>
    public async Task StopServerAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, ApiKeyRole role, HttpContent? content = null) =>
        Client.SendAsync(Request(method, path, Keys[role], content));

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static StringContent Ndjson(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Client.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
