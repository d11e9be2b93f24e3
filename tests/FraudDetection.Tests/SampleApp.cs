using System.Text.Json;
using DecisionLedger.Ledger;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;

namespace FraudDetection.Tests;

/// <summary>
/// The sample itself (<see cref="FraudDetectionApp.Build"/>), trained on a small dataset and
/// started on real Kestrel at 127.0.0.1, port 0, recording into a ledger in a temp directory.
/// </summary>
internal sealed class SampleApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private SampleApp(WebApplication app, string directory, HttpClient client)
    {
        _app = app;
        Directory = directory;
        Client = client;
    }

    public string Directory { get; }

    public string LedgerPath => Path.Combine(Directory, "ledger");

    public string ModelPath => Path.Combine(Directory, "model", "fraud_detector.zip");

    public HttpClient Client { get; }

    public static async Task<SampleApp> StartAsync(params string[] extraArgs)
    {
        string directory = Path.Combine(Path.GetTempPath(), "dledger-fraud-" + Path.GetRandomFileName());
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Ledger", Path.Combine(directory, "ledger"),
            "--ModelPath", Path.Combine(directory, "model", "fraud_detector.zip"),
            "--TrainingRows", "2000",
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ];
        WebApplication app = FraudDetectionApp.Build(args);
        await app.StartAsync();
        return new SampleApp(app, directory, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    /// <summary>Stops the sample (the recorder drains), then reads every entry's canonical JSON and stored input.</summary>
    public async Task<IReadOnlyList<(JsonElement Entry, JsonElement Input)>> StopAndReadAsync()
    {
        await StopAsync();
        LedgerDirectory ledger = LedgerDirectory.Open(LedgerPath);
        await using var store = new SqliteLedgerStore(ledger.DatabasePath);
        await store.OpenAsync();
        long size = await store.GetSizeAsync();
        var entries = new List<(JsonElement, JsonElement)>();
        for (long seq = 0; seq < size; seq++)
        {
            StoredEntry entry = (await store.GetEntryAsync(seq))!;
            StoredInput? input = await store.GetInputAsync(seq);
            entries.Add((
                JsonDocument.Parse(entry.CanonicalBytes).RootElement.Clone(),
                input is null ? default : JsonDocument.Parse(input.Input).RootElement.Clone()));
        }

        return entries;
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
