using DecisionLedger.Archiving;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Retention;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Retention;

/// <summary>
/// Runs the ledger's retention policy on the collector's schedule (<see cref="CollectorOptions.Archiving"/>):
/// at start and then every interval, one <see cref="RetentionRunner"/> run through the collector's own
/// recorder, so the <c>archived</c> and <c>input-retention</c> events take their place among the decisions.
/// </summary>
/// <remarks>
/// Runs never overlap: a tick that finds the previous run still going is skipped and counted. A failed
/// run is logged and counted, never thrown: ingestion goes on, the live store keeps what the failed run
/// did not finish, and the next run starts by completing or rolling back an interrupted archive step.
/// </remarks>
internal sealed partial class ScheduledArchiver(CollectorLedger ledger, CollectorOptions options, ArchiveScheduleMetrics metrics, ILogger<ScheduledArchiver> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _lock = new();
    private readonly List<ScheduledArchiveRun> _runs = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The finished runs, oldest first.</summary>
    public IReadOnlyList<ScheduledArchiveRun> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    private int _skipped;

    /// <summary>Runs skipped because the previous one was still running.</summary>
    public int Skipped => Volatile.Read(ref _skipped);

    /// <summary>Completes once at least <paramref name="count"/> runs finished: for tests and monitoring.</summary>
    /// <param name="count">The number of finished runs to wait for.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The finished runs.</returns>
    public async Task<IReadOnlyList<ScheduledArchiveRun>> WaitForRunsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_runs.Count >= count)
                {
                    return [.. _runs];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs retention once now, unless a run is in progress (then returns null at once).</summary>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    /// <returns>The finished run, or null when skipped.</returns>
    public async Task<ScheduledArchiveRun?> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _skipped);
            metrics.Run(ArchiveScheduleMetrics.Skipped);
            LogSkipped(logger);
            return null;
        }

        try
        {
            ScheduledArchiveRun run = await RunAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _runs.Add(run);
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return run;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ArchiveScheduleOptions schedule = options.Archiving;
        if (!schedule.Enabled)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(schedule.Interval, options.TimeProvider);
            do
            {
                // Not awaited inline with the timer's next tick: a run longer than the interval makes the next tick a skip.
                _ = RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Stop waits for a run in progress: the recorder drains after this service stopped.
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            _gate.Release();
        }
    }

    private async Task<ScheduledArchiveRun> RunAsync(CancellationToken cancellationToken)
    {
        ArchiveScheduleOptions schedule = options.Archiving;
        IArchiveDestination destination = schedule.Destination!;
        DateTimeOffset started = options.TimeProvider.GetUtcNow();
        try
        {
            if (ledger.Store is not IArchivedRangeStore ranges)
            {
                throw new InvalidOperationException("this store cannot archive (only the SQLite store can)");
            }

            if (ledger.Recorder is not DecisionRecorder recorder)
            {
                throw new InvalidOperationException("the collector does not record in this process (buffer mode); schedule archiving where the ledger is written (dledger retention apply beside the sequencer)");
            }

            RetentionPolicy policy = LoadPolicy(schedule.PolicyPath, ledger.Directory);
            var runner = new RetentionRunner(ledger.Store, ranges, ledger.Directory.Signer, recorder, schedule.OpenDestination ?? OpenKnown, logger);
            RetentionRunResult result = await runner.RunAsync(destination, c => policy.IsArchiveDue(c, started), policy, started, cancellationToken).ConfigureAwait(false);
            int inputs = (result.InputsDeleted?.Deleted ?? 0) + (result.ArchivedInputsDeleted?.Deleted ?? 0);
            metrics.Run(ArchiveScheduleMetrics.Ok);
            metrics.Done(result.FilesWritten, result.DecisionsArchived, inputs);
            LogRun(logger, destination.Describe(), result.FilesWritten, result.DecisionsArchived, inputs);
            return new ScheduledArchiveRun(started, options.TimeProvider.GetUtcNow(), result.FilesWritten, result.DecisionsArchived, inputs, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Logged and counted, never thrown: a failed archive run must not stop ingestion or the host.
            metrics.Run(ArchiveScheduleMetrics.Failed);
            LogFailed(logger, exception, destination.Describe(), exception.Message);
            return new ScheduledArchiveRun(started, options.TimeProvider.GetUtcNow(), 0, 0, 0, exception.Message);
        }
    }

    private IArchiveDestination OpenKnown(string description)
    {
        IArchiveDestination configured = options.Archiving.Destination!;
        if (string.Equals(description, configured.Describe(), StringComparison.Ordinal))
        {
            return new UndisposedDestination(configured);
        }

        return description.StartsWith("dir:", StringComparison.Ordinal)
            ? new DirectoryArchiveDestination(description["dir:".Length..])
            : throw new InvalidOperationException($"the archived event names {description}, which this collector was not configured to open");
    }

    private static RetentionPolicy LoadPolicy(string? file, LedgerDirectory directory)
    {
        string path = file ?? Path.Combine(directory.Path, LedgerDirectory.ConfigFileName);
        return RetentionPolicyParser.Parse(File.ReadAllText(path), path);
    }

    [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "Scheduled retention run to {Destination}: {Files} archive files written, {Decisions} decisions archived, {Inputs} stored inputs deleted")]
    private static partial void LogRun(ILogger logger, string destination, int files, long decisions, int inputs);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Error, Message = "Scheduled retention run to {Destination} failed; ingestion goes on and the next run retries: {Reason}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string destination, string reason);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Warning, Message = "Scheduled retention run skipped: the previous run is still going (lengthen the interval if this repeats)")]
    private static partial void LogSkipped(ILogger logger);

    // Recovery disposes what it opens; the configured destination belongs to the collector.
    private sealed class UndisposedDestination(IArchiveDestination inner) : IArchiveDestination
    {
        public string Describe() => inner.Describe();

        public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) => inner.WriteAsync(path, content, cancellationToken);

        public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
    }
}
