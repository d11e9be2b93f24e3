using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server.CloudEvents;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// A pair that fails to record while a copy of its second half arrives: the held partner must be paired with
/// the copy, not left in the journal to be refused later as a duplicate (found in review).
/// </summary>
public sealed class CloudEventRestoreTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dledger-restore-" + Path.GetRandomFileName());
    private SqliteLedgerStore? _store;
    private DecisionRecorder? _recorder;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        LedgerDirectory ledger = LedgerDirectory.Create(Path.Combine(_root, "ledger"), "test.example/restore");
        _store = new SqliteLedgerStore(ledger.DatabasePath);
        await _store.OpenAsync();
        _recorder = await DecisionRecorder.StartAsync(_store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin }, redactor: ledger.CreateRedactor());
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Ledger = ledger;
    }

    private LedgerDirectory Ledger { get; set; } = null!;

    [Fact]
    public async Task PairFailsWhileACopyOfItsHalfIsHeld_PartnerPairsWithTheCopy_NothingLost()
    {
        var sink = new FirstCallFailsSink(new RecorderSink(_recorder!));
        var pairer = new InferencePairer(sink, Ledger, new CollectorOptions(), new InferenceDecisionBuilder(DecisionParser.Default, "unknown"),
            _services!.GetRequiredService<IMeterFactory>(), NullLoggerFactory.Instance);
        await pairer.StartingAsync(CancellationToken.None);

        Assert.Equal(PairingStatus.Pending, (await pairer.AcceptAsync(Half("rs-1", request: true))).Status);
        Task<PairingOutcome> failing = pairer.AcceptAsync(Half("rs-1", request: false));
        await sink.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // The response's sender retries (or delivers at least once) while the pair is being recorded: held again.
        Assert.Equal(PairingStatus.Pending, (await pairer.AcceptAsync(Half("rs-1", request: false))).Status);
        sink.Release.SetResult();
        await Assert.ThrowsAsync<IOException>(() => failing);

        StoredEntry? entry = null;
        for (int attempt = 0; attempt < 600 && entry is null; attempt++)
        {
            await _recorder!.FlushAsync();
            entry = await _store!.FindByRequestIdAsync("rs-1");
            if (entry is null)
            {
                await Task.Delay(50);
            }
        }

        Assert.NotNull(entry);
        using JsonDocument body = JsonDocument.Parse(entry.CanonicalBytes);
        Assert.False(body.RootElement.TryGetProperty("metadata", out JsonElement metadata) && metadata.TryGetProperty("missingHalf", out _), Encoding.UTF8.GetString(entry.CanonicalBytes));
        Assert.Equal(0, pairer.PendingCount);
        await pairer.StoppedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_recorder is not null)
        {
            await _recorder.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _services?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static InferenceEvent Half(string id, bool request) =>
        InferenceEventReader.ReadStructured(Encoding.UTF8.GetBytes(
            "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + KServe.Source + "\",\"type\":\"" + (request ? KServe.RequestType : KServe.ResponseType)
            + "\",\"time\":\"2026-11-23T12:00:00Z\",\"inferenceservicename\":\"" + KServe.Service + "\",\"namespace\":\"default\",\"datacontenttype\":\"application/json\",\"data\":"
            + (request ? KServe.V1Request : KServe.V1Response) + "}"));

    /// <summary>Records through the real recorder.</summary>
    private sealed class RecorderSink(IDecisionRecorder recorder) : IInferenceDecisionSink
    {
        public bool IsOpen => true;

        public async Task<InferenceRecord> RecordAsync(Decision decision, bool waitForReceipt)
        {
            RecordReceipt receipt = await recorder.RecordAsync(decision, CancellationToken.None);
            return new InferenceRecord(receipt.RequestId, receipt, null);
        }

        public async Task<InferenceRecord> RecordPreparedAsync(RedactedDecision decision, bool waitForReceipt)
        {
            RecordReceipt receipt = await ((DecisionRecorder)recorder).RecordAsync(decision, CancellationToken.None);
            return new InferenceRecord(receipt.RequestId, receipt, null);
        }
    }

    /// <summary>Fault injection: the first decision waits for <see cref="Release"/> and then fails as a store outage would.</summary>
    private sealed class FirstCallFailsSink(IInferenceDecisionSink inner) : IInferenceDecisionSink
    {
        private int _calls;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsOpen => true;

        public async Task<InferenceRecord> RecordAsync(Decision decision, bool waitForReceipt)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Entered.SetResult();
                await Release.Task;
                throw new IOException("the store is unavailable (injected)");
            }

            return await inner.RecordAsync(decision, waitForReceipt);
        }

        public async Task<InferenceRecord> RecordPreparedAsync(RedactedDecision decision, bool waitForReceipt)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Entered.SetResult();
                await Release.Task;
                throw new IOException("the store is unavailable (injected)");
            }

            return await inner.RecordPreparedAsync(decision, waitForReceipt);
        }
    }
}
