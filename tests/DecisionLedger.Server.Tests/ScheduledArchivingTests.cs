using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DecisionLedger.Archiving;
using DecisionLedger.Decisions;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Retention;
using DecisionLedger.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Server.Tests;

/// <summary>The collector's archive schedule (issue 16): a real collector on Kestrel over a real ledger whose 300 decisions were recorded 59 days before the collector's clock.</summary>
public sealed class ScheduledArchivingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Recorded = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dledger-schedule-" + Path.GetRandomFileName());
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ListLoggerProvider _logs = new();
    private WebApplication? _app;
    private HttpClient _client = new();
    private string _ingestKey = string.Empty;

    private string LedgerPath => Path.Combine(_root, "ledger");

    private string ArchivePath => Path.Combine(_root, "archive");

    public async Task InitializeAsync()
    {
        LedgerDirectory ledger = LedgerDirectory.Create(LedgerPath, "test.example/schedule");
        await using (var store = new SqliteLedgerStore(ledger.DatabasePath))
        {
            await store.OpenAsync();
            await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin }, new FakeTimeProvider(Recorded));
            for (int i = 0; i < 300; i++)
            {
                await recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.DecisionJson(i, "old-" + i))));
            }
        }

        string config = Path.Combine(LedgerPath, LedgerDirectory.ConfigFileName);
        JsonObject json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["retention"] = JsonNode.Parse("""{"default":{"live":"P30D","keep":"P1Y"}}""");
        await File.WriteAllTextAsync(config, json.ToJsonString());
        _ingestKey = new ApiKeyStore(LedgerPath).Create(ApiKeyRole.Ingest, "ingest").Key;
    }

    [Fact]
    public async Task Schedule_RunsAtStartAndEveryInterval_ArchivingWhatIsDue()
    {
        ScheduledArchiver archiver = await StartAsync(ArchivePath);

        IReadOnlyList<ScheduledArchiveRun> first = await archiver.WaitForRunsAsync(1, Timeout());
        _time.Advance(TimeSpan.FromHours(1));
        IReadOnlyList<ScheduledArchiveRun> second = await archiver.WaitForRunsAsync(2, Timeout());

        Assert.Null(first[0].Error);
        Assert.Equal(256, first[0].Decisions);
        Assert.Equal(1, first[0].Files);
        Assert.Single(Directory.GetFiles(ArchivePath, "*.parquet", SearchOption.AllDirectories));
        Assert.Null(second[1].Error);
        Assert.Equal(0, second[1].Decisions);
        Assert.Contains(_logs.Entries, e => e.EventId == 3060);

        // The archived decisions' request ids are still taken; new ones are recorded as always.
        using HttpResponseMessage fresh = await PostAsync(Some.DecisionJson(1, "new-1"));
        using HttpResponseMessage duplicate = await PostAsync(Some.DecisionJson(2, "old-5"));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Schedule_InputsDurationAddedAfterArchiving_RemovesTheArchivedInputsOnTheNextRun()
    {
        ScheduledArchiver archiver = await StartAsync(ArchivePath);
        IReadOnlyList<ScheduledArchiveRun> first = await archiver.WaitForRunsAsync(1, Timeout());
        Assert.Equal(256, first[0].Decisions);
        Assert.All(await ArchivedRowsAsync(), r => Assert.NotNull(r.Input));

        // The policy is read at every run: an 'inputs' duration now due reaches the inputs already archived.
        string config = Path.Combine(LedgerPath, LedgerDirectory.ConfigFileName);
        JsonObject json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["retention"] = JsonNode.Parse("""{"default":{"live":"P30D","inputs":"P30D","keep":"P1Y"}}""");
        await File.WriteAllTextAsync(config, json.ToJsonString());
        _time.Advance(TimeSpan.FromHours(1));
        IReadOnlyList<ScheduledArchiveRun> second = await archiver.WaitForRunsAsync(2, Timeout());

        Assert.Null(second[1].Error);
        Assert.True(second[1].InputsDeleted >= 256, $"{second[1].InputsDeleted} stored inputs deleted");
        Assert.All(await ArchivedRowsAsync(), r => Assert.Null(r.Input));
    }

    private async Task<List<ArchiveRow>> ArchivedRowsAsync()
    {
        var rows = new List<ArchiveRow>();
        foreach (string file in Directory.GetFiles(ArchivePath, "*.parquet", SearchOption.AllDirectories))
        {
            await using FileStream stream = File.OpenRead(file);
            rows.AddRange(await ArchiveParquetReader.ReadAsync(stream));
        }

        return rows;
    }

    [Fact]
    public async Task Schedule_FailedRun_IsLoggedAndIngestionGoesOn_NextRunArchives()
    {
        // The destination is a file, not a directory: every write fails.
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(ArchivePath, "not a directory");
        ScheduledArchiver archiver = await StartAsync(ArchivePath);

        IReadOnlyList<ScheduledArchiveRun> first = await archiver.WaitForRunsAsync(1, Timeout());
        using HttpResponseMessage during = await PostAsync(Some.DecisionJson(1, "during-failure"));

        Assert.NotNull(first[0].Error);
        Assert.Equal(0, first[0].Decisions);
        Assert.Contains(_logs.Entries, e => e.EventId == 3061 && e.Level == LogLevel.Error);
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);

        File.Delete(ArchivePath);
        _time.Advance(TimeSpan.FromHours(1));
        IReadOnlyList<ScheduledArchiveRun> second = await archiver.WaitForRunsAsync(2, Timeout());

        Assert.Null(second[1].Error);
        Assert.Equal(256, second[1].Decisions);
    }

    [Fact]
    public async Task RunOnce_WhileARunIsGoing_IsSkippedNotOverlapped()
    {
        var gated = new GatedDestination(new DirectoryArchiveDestination(ArchivePath));
        ScheduledArchiver archiver = await StartAsync(gated);
        await gated.Reached.WaitAsync(Timeout());

        ScheduledArchiveRun? overlapping = await archiver.RunOnceAsync(CancellationToken.None);
        gated.Open();
        IReadOnlyList<ScheduledArchiveRun> runs = await archiver.WaitForRunsAsync(1, Timeout());

        Assert.Null(overlapping);
        Assert.Equal(1, archiver.Skipped);
        Assert.Contains(_logs.Entries, e => e.EventId == 3062);
        Assert.Single(runs);
        Assert.Equal(256, runs[0].Decisions);
    }

    private Task<ScheduledArchiver> StartAsync(string archive) => StartAsync(new DirectoryArchiveDestination(archive));

    private async Task<ScheduledArchiver> StartAsync(IArchiveDestination destination)
    {
        var options = new CollectorOptions { TimeProvider = _time, VerificationInterval = TimeSpan.Zero };
        options.Archiving.Destination = destination;
        options.Archiving.Interval = TimeSpan.FromHours(1);
        _app = CollectorApp.Build(LedgerPath, ["http://127.0.0.1:0"], options, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(_logs);
        });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
        return _app.Services.GetRequiredService<ScheduledArchiver>();
    }

    private Task<HttpResponseMessage> PostAsync(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _ingestKey);
        return _client.SendAsync(request);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _logs.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A real directory destination whose first write waits until <see cref="Open"/>: a slow object store, to hold a run in progress.</summary>
    private sealed class GatedDestination(DirectoryArchiveDestination inner) : IArchiveDestination
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Open() => _open.TrySetResult();

        public string Describe() => inner.Describe();

        public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
        {
            _reached.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            await inner.WriteAsync(path, content, cancellationToken);
        }

        public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    }
}
