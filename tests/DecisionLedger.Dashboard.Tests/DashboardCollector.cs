using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server;
using DecisionLedger.Server.Auth;
using DecisionLedger.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// A collector on real Kestrel at 127.0.0.1:0 over a real SQLite ledger holding <see cref="DecisionCount"/>
/// decisions of two model versions (recorded with the ledger's redaction policy, final checkpoint signed),
/// with a key of each role.
/// </summary>
public sealed class DashboardCollector : IAsyncLifetime, IAsyncDisposable
{
    public const int DecisionCount = 420;

    private readonly int _count;
    private readonly string? _tamperSql;
    private readonly IReadOnlyList<byte[]> _more;
    private readonly Func<DashboardCollector, CollectorOptions, Task>? _prepare;
    private WebApplication? _app;

    public DashboardCollector()
        : this(DecisionCount, null)
    {
    }

    /// <summary>
    /// A collector over <paramref name="count"/> decisions, then <paramref name="more"/> (other models);
    /// <paramref name="tamperSql"/> runs on the database before it starts.
    /// </summary>
    /// <param name="count">How many decisions to record.</param>
    /// <param name="tamperSql">SQL run on the database before the collector starts, or null.</param>
    /// <param name="more">More decisions to record after the first ones.</param>
    /// <param name="prepare">Runs after recording, before the collector starts: sets its options and adds to the store.</param>
    internal DashboardCollector(int count, string? tamperSql, IEnumerable<byte[]>? more = null, Func<DashboardCollector, CollectorOptions, Task>? prepare = null)
    {
        _count = count;
        _tamperSql = tamperSql;
        _more = [.. more ?? []];
        _prepare = prepare;
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dledger-dashboard-" + Path.GetRandomFileName());

    public string LedgerPath => Path.Combine(Root, "ledger");

    public string BaseUrl { get; private set; } = string.Empty;

    public HttpClient Client { get; private set; } = new();

    public string AuditorKey { get; private set; } = string.Empty;

    public string ReaderKey { get; private set; } = string.Empty;

    public string IngestKey { get; private set; } = string.Empty;

    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>The collector's options (e.g. the endpoints replays may call); null for the defaults.</summary>
    internal CollectorOptions? Options { get; init; }

    public async Task InitializeAsync()
    {
        // A base64 key with '+' in it once broke the browser's key parsing (split at every '+'): always test with one.
        while (!LedgerDirectory.Create(LedgerPath, "test.example/dashboard").VerifierKey.Split('+', 3)[2].Contains('+', StringComparison.Ordinal))
        {
            Directory.Delete(LedgerPath, recursive: true);
        }

        await File.WriteAllTextAsync(Path.Combine(LedgerPath, LedgerDirectory.RedactionPolicyFileName), DashboardDecisions.RedactionPolicy);
        LedgerDirectory ledger = LedgerDirectory.Open(LedgerPath);
        await using (var store = new SqliteLedgerStore(ledger.DatabasePath))
        {
            await store.OpenAsync();
            await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(
                store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin }, redactor: ledger.CreateRedactor());
            var pending = new List<Task<RecordReceipt>>();
            foreach (byte[] decision in DashboardDecisions.Create(_count).Concat(_more))
            {
                pending.Add(recorder.RecordAsync(DecisionParser.Default.Parse(decision)).AsTask());
            }

            await Task.WhenAll(pending);
        }

        if (_tamperSql is not null)
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ledger.DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = _tamperSql;
            await command.ExecuteNonQueryAsync();
        }

        var keys = new ApiKeyStore(LedgerPath);
        AuditorKey = keys.Create(ApiKeyRole.Auditor, "dashboard-e2e").Key;
        ReaderKey = keys.Create(ApiKeyRole.Reader, "dashboard-reader").Key;
        IngestKey = keys.Create(ApiKeyRole.Ingest, "dashboard-ingest").Key;
        AdminKey = keys.Create(ApiKeyRole.Admin, "dashboard-admin").Key;

        CollectorOptions options = Options ?? new CollectorOptions();
        if (_prepare is not null)
        {
            await _prepare(this, options);
        }

        _app = CollectorApp.Build(LedgerPath, ["http://127.0.0.1:0"], options, configure: builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>Polls <c>GET /v1/verification</c> until the first background run finished; returns its JSON.</summary>
    public async Task<System.Text.Json.JsonElement> WaitForVerificationAsync()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/verification");
            request.Headers.Add("X-Api-Key", AuditorKey);
            using HttpResponseMessage response = await Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            System.Text.Json.JsonElement body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("lastRun").ValueKind != System.Text.Json.JsonValueKind.Null || attempt >= 300)
            {
                return body;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The running app's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

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
