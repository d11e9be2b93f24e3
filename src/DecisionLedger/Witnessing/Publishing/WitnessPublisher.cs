using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>
/// Gets each newly signed checkpoint cosigned by the witnesses of a policy (c2sp.org/tlog-witness)
/// and keeps the cosignatures with the checkpoint (<see cref="ICheckpointAttestationStore"/>).
/// </summary>
/// <remarks>
/// The publisher is off the sequencing path: it polls the store for the newest checkpoint, so a
/// slow or dead witness delays only its own cosignature, never an append. Each witness is asked
/// with the consistency proof from the size the ledger believes it holds (0 at first; a 409
/// answer tells the real one, as the spec says). A failing witness is retried with a delay that
/// doubles per failure up to a maximum. A witness that refuses a checkpoint of the ledger's own
/// history (a 422, or a 409 naming a size the ledger cannot prove from) holds another view of this
/// log: that is logged as an error and counted as a split view.
/// </remarks>
public sealed class WitnessPublisher : IDisposable
{
    private const int MaxAttemptsPerRound = 3;

    private readonly ILedgerStore _store;
    private readonly ICheckpointAttestationStore _attestations;
    private readonly LedgerProver _prover;
    private readonly bool _ownsProver;
    private readonly WitnessingConfiguration _configuration;
    private readonly WitnessClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WitnessPublisherMetrics _metrics;
    private readonly WitnessTracker[] _witnesses;
    private long _latestSize = -1;
    private long _publishedSize = -1;
    private volatile CosignedNote? _latestPublished;
    private volatile bool _latestIsPublished;

    /// <summary>Creates a publisher over <paramref name="store"/>; nothing is sent until <see cref="PublishAsync"/> or <see cref="RunAsync"/>.</summary>
    /// <param name="store">The ledger's store; it must also implement <see cref="ICheckpointAttestationStore"/>.</param>
    /// <param name="configuration">The checked witnessing settings (<see cref="WitnessingOptions.Resolve"/>).</param>
    /// <param name="http">The HTTP client witnesses are asked with.</param>
    /// <param name="time">The clock of retries and polling; null for the system clock.</param>
    /// <param name="logger">Where cosignatures, failures and split views are logged; null for none.</param>
    /// <param name="meterFactory">Creates the <c>DecisionLedger</c> meter; null for a standalone one.</param>
    /// <param name="prover">A prover over the same store to share; null to make one.</param>
    /// <exception cref="ArgumentException">The store keeps no attestations.</exception>
    public WitnessPublisher(
        ILedgerStore store,
        WitnessingConfiguration configuration,
        HttpClient http,
        TimeProvider? time = null,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null,
        LedgerProver? prover = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(http);
        _store = store;
        _attestations = store as ICheckpointAttestationStore
            ?? throw new ArgumentException($"The store {store.GetType().Name} keeps no checkpoint attestations (ICheckpointAttestationStore); witnessing needs one to keep the cosignatures.", nameof(store));
        _configuration = configuration;
        _client = new WitnessClient(http);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _ownsProver = prover is null;
        _prover = prover ?? new LedgerProver(store);
        _witnesses = [.. configuration.Endpoints.Select(e => new WitnessTracker(e))];
        _metrics = new WitnessPublisherMetrics(
            meterFactory,
            () => _witnesses.Select(w => new Measurement<long>(w.CosignedSize, new KeyValuePair<string, object?>("witness", w.Name))),
            () => Math.Max(0, Interlocked.Read(ref _publishedSize)));
    }

    /// <summary>The policy the publisher asks witnesses of.</summary>
    public WitnessPolicy Policy => _configuration.Policy;

    /// <summary>The newest checkpoint that reached the quorum, with its cosignatures, or null when none has since the publisher started.</summary>
    public CosignedNote? LatestPublished => _latestPublished;

    /// <summary>The current view of every witness, for the dashboard and the status API.</summary>
    public WitnessingStatus Status
    {
        get
        {
            long latest = Interlocked.Read(ref _latestSize);
            long published = Interlocked.Read(ref _publishedSize);
            return new WitnessingStatus(
                _configuration.Policy.QuorumDescription,
                latest < 0 ? null : latest,
                _latestIsPublished,
                published < 0 ? null : published,
                [.. _witnesses.Select(w => w.Snapshot())]);
        }
    }

    /// <summary>Polls for new checkpoints and publishes them until <paramref name="cancellationToken"/> is cancelled; a failed round is logged and retried.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that ends when the loop stops.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is LedgerStoreException or InvalidOperationException or IOException or FormatException)
            {
                WitnessPublisherLog.RoundFailed(_logger, exception);
            }

            try
            {
                await Task.Delay(_configuration.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One round: reads the newest checkpoint, asks every witness that has not cosigned it and is
    /// not waiting out a retry delay, stores the cosignatures, and updates whether it is published.
    /// </summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>The newest checkpoint with its valid cosignatures, or null when none is signed yet.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async Task<CosignedNote?> PublishAsync(CancellationToken cancellationToken = default)
    {
        StoredCheckpoint? latest = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return null;
        }

        Interlocked.Exchange(ref _latestSize, latest.TreeSize);

        // Cosignatures already held (kept by an earlier run or another publisher) count: the witness
        // is not asked again, and its status shows the size it cosigned.
        IReadOnlyList<CheckpointAttestation> before = await _attestations.ReadAttestationsAsync(latest.TreeSize, cancellationToken).ConfigureAwait(false);
        foreach (PolicyWitness cosigner in CosignedNote.Build(latest, before, _configuration.Policy).Cosigners)
        {
            if (_witnesses.FirstOrDefault(w => w.Endpoint.Witness == cosigner) is { } tracker && !tracker.HasCosigned(latest.TreeSize, latest.RootHash))
            {
                tracker.Cosigned(latest.TreeSize, latest.RootHash, before.Where(a => a.Source == cosigner.Verifier.Name).Select(a => a.ObtainedAt).DefaultIfEmpty(_time.GetUtcNow()).Max());
            }
        }

        DateTimeOffset now = _time.GetUtcNow();
        await Task.WhenAll(_witnesses
            .Where(w => !w.HasCosigned(latest.TreeSize, latest.RootHash) && w.IsDue(now))
            .Select(w => SubmitAsync(w, latest, cancellationToken))).ConfigureAwait(false);

        IReadOnlyList<CheckpointAttestation> held = await _attestations.ReadAttestationsAsync(latest.TreeSize, cancellationToken).ConfigureAwait(false);
        CosignedNote cosigned = CosignedNote.Build(latest, held, _configuration.Policy);
        _latestIsPublished = cosigned.Published;
        if (cosigned.Published && latest.TreeSize > Interlocked.Read(ref _publishedSize))
        {
            Interlocked.Exchange(ref _publishedSize, latest.TreeSize);
            _latestPublished = cosigned;
            _metrics.Published.Add(1);
            WitnessPublisherLog.Published(_logger, latest.TreeSize, string.Join(", ", cosigned.Cosigners.Select(w => w.Name)), _configuration.Policy.QuorumDescription);
        }

        return cosigned;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        if (_ownsProver)
        {
            _prover.Dispose();
        }
    }

    private async Task SubmitAsync(WitnessTracker witness, StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (witness.ConsecutiveFailures > 0)
        {
            _metrics.Retries.Add(1, new KeyValuePair<string, object?>("witness", witness.Name));
        }

        try
        {
            for (int attempt = 1; attempt <= MaxAttemptsPerRound; attempt++)
            {
                long old = witness.KnownSize;
                if (old > checkpoint.TreeSize)
                {
                    SplitView(witness, checkpoint, $"it holds size {old}, beyond this ledger's newest checkpoint (size {checkpoint.TreeSize}); the ledger never signed that tree");
                    return;
                }

                IReadOnlyList<Sha256Hash> proof = old == 0 || old == checkpoint.TreeSize
                    ? []
                    : (await _prover.ProveConsistencyAsync(old, checkpoint.TreeSize, cancellationToken).ConfigureAwait(false)).Hashes;
                WitnessResponse response = await _client.AddCheckpointAsync(
                    witness.Endpoint, new AddCheckpointRequest(old, proof, checkpoint.SignedNote), _configuration.RequestTimeout, cancellationToken).ConfigureAwait(false);
                switch (response.StatusCode)
                {
                    case 200:
                        await AcceptAsync(witness, checkpoint, response.Body, cancellationToken).ConfigureAwait(false);
                        return;
                    case 409 when TryParseSize(response.Body, out long held) && held != old && held <= checkpoint.TreeSize:
                        _metrics.Request(witness.Name, "conflict");
                        WitnessPublisherLog.SizeLearned(_logger, witness.Name, held, checkpoint.TreeSize);
                        witness.KnownSize = held;
                        continue;
                    case 409:
                        _metrics.Request(witness.Name, "refused");
                        SplitView(witness, checkpoint, $"409 from old size {old}: {Describe(response.Body)}");
                        return;
                    case 422:
                        _metrics.Request(witness.Name, "refused");
                        SplitView(witness, checkpoint, $"422 from old size {old}: {Describe(response.Body)}");
                        return;
                    default:
                        _metrics.Request(witness.Name, "rejected");
                        Fail(witness, checkpoint, "rejected", $"HTTP {response.StatusCode}: {Describe(response.Body)}");
                        return;
                }
            }

            Fail(witness, checkpoint, "conflict", $"its size kept changing over {MaxAttemptsPerRound} requests (another client is submitting this log's checkpoints)");
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException)
        {
            _metrics.Request(witness.Name, "unreachable");
            Fail(witness, checkpoint, "unreachable", exception.Message);
        }
    }

    private async Task AcceptAsync(WitnessTracker witness, StoredCheckpoint checkpoint, string body, CancellationToken cancellationToken)
    {
        // The answer may hold several lines (other keys of the witness): keep this witness's valid one.
        string text = SignedNoteFormat.Parse(checkpoint.SignedNote).Text;
        string? valid = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line + "\n")
            .FirstOrDefault(line => CosignedNote.ValidWitness(checkpoint.SignedNote, text, line, _configuration.Policy) == witness.Endpoint.Witness);
        if (valid is null)
        {
            _metrics.Request(witness.Name, "bad_cosignature");
            Fail(witness, checkpoint, "bad_cosignature", $"its 200 answer holds no valid cosignature by {witness.Endpoint.Witness.Verifier.Name} of this checkpoint: {Describe(body)}");
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        await _attestations.AddAttestationAsync(
            new CheckpointAttestation(checkpoint.TreeSize, checkpoint.RootHash, CheckpointAttestationKind.Cosignature, witness.Endpoint.Witness.Verifier.Name, Encoding.UTF8.GetBytes(valid), now),
            cancellationToken).ConfigureAwait(false);
        witness.Cosigned(checkpoint.TreeSize, checkpoint.RootHash, now);
        _metrics.Request(witness.Name, "cosigned");
        WitnessPublisherLog.Cosigned(_logger, witness.Name, checkpoint.TreeSize);
    }

    private void SplitView(WitnessTracker witness, StoredCheckpoint checkpoint, string reason)
    {
        _metrics.SplitViews.Add(1, new KeyValuePair<string, object?>("witness", witness.Name));
        WitnessPublisherLog.SplitView(_logger, witness.Name, checkpoint.TreeSize, checkpoint.RootHash.ToString(), reason);

        // Asked again later, from 0: a 409 then tells where the witness stands now.
        witness.KnownSize = 0;
        witness.Failed("split view: " + reason, splitView: true, _time.GetUtcNow(), _configuration.RetryMinDelay, _configuration.RetryMaxDelay);
    }

    private void Fail(WitnessTracker witness, StoredCheckpoint checkpoint, string outcome, string reason)
    {
        TimeSpan delay = witness.Failed(reason, splitView: false, _time.GetUtcNow(), _configuration.RetryMinDelay, _configuration.RetryMaxDelay);
        WitnessPublisherLog.Failed(_logger, witness.Name, checkpoint.TreeSize, outcome, witness.ConsecutiveFailures, delay, reason);
    }

    private static bool TryParseSize(string body, out long size) =>
        long.TryParse(body.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out size) && body.EndsWith('\n');

    private static string Describe(string body)
    {
        string trimmed = body.Trim();
        return trimmed.Length <= 300 ? trimmed : trimmed[..300] + "…";
    }
}
