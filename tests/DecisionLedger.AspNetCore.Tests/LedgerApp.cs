using System.Text.Json;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>A real Kestrel app on loopback recording into a real SQLite ledger in a temp directory.</summary>
internal sealed class LedgerApp : IAsyncDisposable
{
    private bool _stopped;

    private LedgerApp(WebApplication app, string ledgerPath, HttpClient client)
    {
        App = app;
        LedgerPath = ledgerPath;
        Client = client;
    }

    public WebApplication App { get; }

    public string LedgerPath { get; }

    public HttpClient Client { get; }

    public static async Task<LedgerApp> StartAsync(
        Action<WebApplication> map,
        Action<DecisionLedgerOptions>? configure = null,
        Action<WebApplicationBuilder>? services = null)
    {
        string ledgerPath = Path.Combine(Path.GetTempPath(), "dledger-aspnet-" + Path.GetRandomFileName());
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel();
        builder.Services.AddDecisionLedger(o =>
        {
            o.Origin = "test.example/capture";
            o.Recorder.CheckpointInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }).UseSqlite(ledgerPath).AddEndpointCapture();
        services?.Invoke(builder);
        WebApplication app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        map(app);
        await app.StartAsync();
        string address = app.Urls.First();
        return new LedgerApp(app, ledgerPath, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    /// <summary>Stops the app (draining the recorder), then reads every entry with its stored input.</summary>
    public async Task<IReadOnlyList<RecordedEntry>> StopAndReadAsync()
    {
        await StopAsync();
        LedgerDirectory ledger = LedgerDirectory.Open(LedgerPath);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath);
        await store.OpenAsync();
        long size = await store.GetSizeAsync();
        var entries = new List<RecordedEntry>();
        for (long seq = 0; seq < size; seq++)
        {
            StoredEntry entry = (await store.GetEntryAsync(seq))!;
            StoredInput? input = await store.GetInputAsync(seq);
            entries.Add(new RecordedEntry(
                JsonDocument.Parse(entry.CanonicalBytes).RootElement.Clone(),
                input is null ? default : JsonDocument.Parse(input.Input).RootElement.Clone()));
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(LedgerPath, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
