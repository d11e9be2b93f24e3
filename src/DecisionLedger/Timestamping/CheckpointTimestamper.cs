using System.Diagnostics.Metrics;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Timestamping;

/// <summary>
/// The background stamper: follows the ledger's newest signed checkpoint and has every configured
/// Time Stamp Authority time-stamp it (one token per authority over SHA-256 of the signed note),
/// storing each token as a <see cref="CheckpointAttestationKind.Timestamp"/> attestation. It runs
/// beside the recorder and never blocks it: a failing authority is logged, counted in
/// <c>decisionledger.tsa.requests</c> and retried with exponential backoff, and checkpoints signed
/// meanwhile are skipped in favour of the newest (a token over a checkpoint dates every entry under it).
/// </summary>
public sealed class CheckpointTimestamper : IAsyncDisposable
{
    private readonly ILedgerLog _log;
    private readonly ICheckpointAttestationStore _attestations;
    private readonly TimestampingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimestampingMetrics _metrics;
    private readonly HttpClient _http;
    private readonly TimestampClient _client;
    private readonly AuthorityState[] _states;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _round = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    /// <summary>Creates a stamper; <see cref="Start"/> begins following the ledger, <see cref="StampLatestAsync"/> runs one round now.</summary>
    /// <param name="log">Where the checkpoints are read.</param>
    /// <param name="attestations">Where the tokens are stored.</param>
    /// <param name="options">The authorities and timings; validated here.</param>
    /// <param name="time">The clock for backoff and polling; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="meterFactory">Metrics; null for a standalone meter.</param>
    /// <param name="handler">The HTTP handler requests go through; null for a default one.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or name no authority.</exception>
    public CheckpointTimestamper(
        ILedgerLog log,
        ICheckpointAttestationStore attestations,
        TimestampingOptions options,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(attestations);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!options.Enabled)
        {
            throw new ArgumentException("TimestampingOptions.Authorities: empty; configure at least one time-stamp authority, or do not start the stamper.", nameof(options));
        }

        _log = log;
        _attestations = attestations;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CheckpointTimestamper>();
        _metrics = new TimestampingMetrics(meterFactory);

        // Each request has its own deadline (RequestTimeout on the injected clock); HttpClient's own would use the wall clock.
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _client = new TimestampClient(_http);
        _states = [.. options.Authorities.Select(a => new AuthorityState(a))];
    }

    /// <summary>
    /// Creates and starts a stamper for <paramref name="store"/> when <paramref name="options"/> names an
    /// authority; returns null when it names none.
    /// </summary>
    /// <param name="store">The ledger's store; it must keep attestations (<see cref="ICheckpointAttestationStore"/>).</param>
    /// <param name="options">The authorities and timings.</param>
    /// <param name="time">The clock; null for the system clock.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="meterFactory">Metrics; null for a standalone meter.</param>
    /// <returns>The running stamper, or null.</returns>
    /// <exception cref="InvalidOperationException">Authorities are configured but the store cannot keep their tokens.</exception>
    public static CheckpointTimestamper? StartFor(ILedgerStore store, TimestampingOptions? options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (options is null || !options.Enabled)
        {
            return null;
        }

        if (store is not ICheckpointAttestationStore attestations)
        {
            throw new InvalidOperationException($"Time-stamp authorities are configured, but the store ({store.GetType().Name}) cannot keep checkpoint attestations (ICheckpointAttestationStore); use a store that does, or remove the authorities.");
        }

        var stamper = new CheckpointTimestamper(store, attestations, options, time, loggerFactory, meterFactory);
        stamper.Start();
        return stamper;
    }

    /// <summary>Starts following the ledger in the background; the first round runs at once.</summary>
    /// <exception cref="ObjectDisposedException">The stamper was disposed.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_loop.IsCompleted)
        {
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>
    /// Runs one round now: reads the newest checkpoint and asks every authority that has no token for it
    /// and whose backoff has passed. Failures are logged and counted, never thrown.
    /// </summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>The number of tokens stored in this round.</returns>
    public Task<int> StampLatestAsync(CancellationToken cancellationToken = default) => RoundAsync(ignoreBackoff: false, cancellationToken);

    /// <summary>Stops following, then gives each authority one last chance at the newest checkpoint (the recorder's final one), bounded by the request timeout.</summary>
    /// <returns>A task completing once stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await RoundAsync(ignoreBackoff: true, CancellationToken.None).ConfigureAwait(false);
        _http.Dispose();
        _metrics.Dispose();
        _stop.Dispose();
        _round.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RoundAsync(ignoreBackoff: false, cancellationToken).ConfigureAwait(false);
            await Task.Delay(NextDelay(), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan NextDelay()
    {
        DateTimeOffset now = _time.GetUtcNow();
        TimeSpan delay = _options.PollInterval;
        foreach (AuthorityState state in _states)
        {
            if (state.Failures > 0 && state.NextAttempt - now < delay)
            {
                delay = state.NextAttempt - now;
            }
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private async Task<int> RoundAsync(bool ignoreBackoff, CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            StoredCheckpoint? latest;
            try
            {
                latest = await _log.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                TimestampingLog.ReadFailed(_logger, e, _options.PollInterval);
                return 0;
            }

            if (latest is null || latest.TreeSize == 0)
            {
                return 0;
            }

            DateTimeOffset now = _time.GetUtcNow();
            AuthorityState[] due = [.. _states.Where(s => s.StampedSize < latest.TreeSize && (ignoreBackoff || s.Failures == 0 || s.NextAttempt <= now))];
            if (due.Length == 0)
            {
                return 0;
            }

            if (await HeldSourcesAsync(latest, cancellationToken).ConfigureAwait(false) is { } held)
            {
                // A restart, or another process on the same ledger, stamped it already: ask no authority twice.
                foreach (AuthorityState state in due.Where(s => held.Contains(s.Authority.Name)))
                {
                    state.Succeeded(latest.TreeSize);
                }
            }

            byte[] hash = TimestampTokenVerifier.CheckpointHash(latest.SignedNote);
            int stored = 0;
            foreach (AuthorityState state in due.Where(s => s.StampedSize < latest.TreeSize))
            {
                stored += await StampAsync(state, latest, hash, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            return stored;
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task<HashSet<string>?> HeldSourcesAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<CheckpointAttestation> held = await _attestations.ReadAttestationsAsync(checkpoint.TreeSize, cancellationToken).ConfigureAwait(false);
            return [.. held.Where(a => a.Kind == CheckpointAttestationKind.Timestamp && a.RootHash == checkpoint.RootHash).Select(a => a.Source)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not knowing costs at most a second token, which the store ignores.
            return null;
        }
    }

    private async Task<bool> StampAsync(AuthorityState state, StoredCheckpoint checkpoint, byte[] hash, CancellationToken cancellationToken)
    {
        TimestampAuthority authority = state.Authority;
        byte[] token;
        using (var deadline = new CancellationTokenSource(_options.RequestTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
        {
            try
            {
                token = await _client.RequestAsync(authority, hash, linked.Token).ConfigureAwait(false);
            }
            catch (TimestampAuthorityException e)
            {
                Fail(state, checkpoint, e.Outcome, e.Message);
                return false;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Fail(state, checkpoint, "unreachable", $"Time-stamp authority '{authority.Name}' at {authority.Url} did not answer within {_options.RequestTimeout}.");
                return false;
            }
        }

        try
        {
            await _attestations.AddAttestationAsync(
                new CheckpointAttestation(checkpoint.TreeSize, checkpoint.RootHash, CheckpointAttestationKind.Timestamp, authority.Name, token, _time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Request(authority.Name, "store_error");
            TimeSpan retry = state.Failed(_time.GetUtcNow(), _options);
            TimestampingLog.StoreFailed(_logger, e, checkpoint.TreeSize, authority.Name, retry);
            return false;
        }

        _metrics.Request(authority.Name, "success");
        state.Succeeded(checkpoint.TreeSize);
        TimestampingLog.Stamped(_logger, checkpoint.TreeSize, authority.Name);
        return true;
    }

    private void Fail(AuthorityState state, StoredCheckpoint checkpoint, string outcome, string reason)
    {
        _metrics.Request(state.Authority.Name, outcome);
        TimeSpan retry = state.Failed(_time.GetUtcNow(), _options);
        TimestampingLog.Failed(_logger, checkpoint.TreeSize, state.Authority.Name, outcome, reason, retry);
    }

    /// <summary>What the stamper knows of one authority: the newest size it stamped, and its backoff.</summary>
    private sealed class AuthorityState(TimestampAuthority authority)
    {
        public TimestampAuthority Authority { get; } = authority;

        public long StampedSize { get; private set; }

        public int Failures { get; private set; }

        public DateTimeOffset NextAttempt { get; private set; }

        public void Succeeded(long treeSize)
        {
            StampedSize = treeSize;
            Failures = 0;
        }

        public TimeSpan Failed(DateTimeOffset now, TimestampingOptions options)
        {
            Failures++;
            double factor = Math.Pow(2, Math.Min(Failures - 1, 30));
            TimeSpan delay = TimeSpan.FromTicks((long)Math.Min(options.RetryInitialDelay.Ticks * factor, options.RetryMaxDelay.Ticks));
            NextAttempt = now + delay;
            return delay;
        }
    }
}
