using System.Diagnostics.Metrics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Encryption;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder's stages wired together and running: <see cref="DecisionQueue"/> →
/// <see cref="BatchBuilder"/> → <see cref="BatchCommitter"/> → <see cref="ReceiptProver"/>, each
/// on its own task. <see cref="DecisionRecorder"/> feeds the queue and owns the lifecycle.
/// </summary>
internal sealed class RecorderPipeline
{
    private readonly EntryBuilder _entries;
    private readonly RecorderMetrics _metrics;
    private readonly CheckpointSchedule _schedule;
    private readonly Task _stages;

    public RecorderPipeline(
        ILedgerStore store,
        MerkleTree tree,
        LedgerHead head,
        ICheckpointSigner signer,
        InputFingerprinter fingerprinter,
        IRedactor redactor,
        LedgerOptions options,
        TimeProvider time,
        IRandomSource random,
        ILogger logger,
        IMeterFactory? meterFactory,
        ChainState chains)
    {
        _entries = new EntryBuilder(fingerprinter, random, redactor);
        _metrics = new RecorderMetrics(meterFactory, () => Queue!.Count);
        var context = new RecorderContext(store, options, time, new StoreRetry(options, time, logger), _metrics, logger);
        Queue = new DecisionQueue(options, _metrics, logger, time);
        _schedule = new CheckpointSchedule(options, time, head.LatestCheckpoint?.TreeSize ?? 0, Queue.TryAdd);
        Linger = new CommitLinger(options.CommitLinger);
        var reservations = new RequestIdReservations(context);
        var prover = new ReceiptProver(store);
        var handedBack = new HandedBackRequests(Queue, logger);
        SubjectRefs? refs = chains.WritesV2 ? new SubjectRefs(store, random, context.Retry) : null;
        Committer = new BatchCommitter(context, reservations, _schedule, prover, handedBack, head.Size, refs);
        MasterKey? masterKey = options.EncryptInputs ? options.MasterKey ?? MasterKey.FromEnvironment() : null;
        SubjectKeyring? keyring = masterKey is null ? null : new SubjectKeyring(store, masterKey, random, context.Retry);
        var builder = new BatchBuilder(context, Queue, Committer, reservations, _schedule, Linger, signer, tree, _entries, keyring, handedBack, chains, refs, new GeneratedEvents(time, random, logger));
        _stages = Task.WhenAll(Task.Run(prover.RunAsync), Task.Run(Committer.RunAsync), Task.Run(builder.RunAsync));

        if (head.Size > (head.LatestCheckpoint?.TreeSize ?? 0) || chains.NeedsFormat)
        {
            // A ledger opened with entry format 2 switches now, with its format event, not with the first decision.
            // Entries the last run left uncovered (it stopped before its final checkpoint) get one soon.
            Queue.TryAdd(CheckpointTick.Instance);
        }
    }

    public DecisionQueue Queue { get; }

    public CommitLinger Linger { get; }

    public BatchCommitter Committer { get; }

    /// <summary>Completes when every stage has stopped (after <see cref="StopAsync"/>, or a fault).</summary>
    public Task Stages => _stages;

    /// <summary>Closes the queue, lets the stages drain it (final checkpoint included) and releases their resources.</summary>
    public async Task StopAsync()
    {
        Queue.Close();
        Linger.Interrupt();
        await _stages.ConfigureAwait(false);
        _schedule.Dispose();
        _entries.Dispose();
        _metrics.Dispose();
    }
}
