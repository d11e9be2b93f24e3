using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>
/// The sequencer's reads of the ledger's stream through the consumer group: this consumer's own
/// pending entries, new entries (XREADGROUP), and entries a dead consumer left pending
/// (XAUTOCLAIM, paced so a full pass over the pending list is not repeated at once).
/// </summary>
internal sealed class BufferStreamReader(
    IConnectionMultiplexer redis,
    RedisBufferOptions options,
    BufferKeys keys,
    string consumer,
    SequencerMetrics metrics,
    ILogger logger)
{
    private RedisValue _claimCursor = "0-0";
    private long _nextClaim;

    /// <summary>Whether it is time to look for entries other consumers left pending.</summary>
    public bool ClaimDue => Stopwatch.GetTimestamp() >= _nextClaim;

    public async Task EnsureGroupAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(keys.Stream, options.ConsumerGroup, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: the normal case after the first start.
        }
    }

    /// <summary>What this consumer read but did not acknowledge.</summary>
    public Task<StreamEntry[]> ReadOwnPendingAsync() => ReadAsync("0-0");

    /// <summary>Entries no consumer has read yet.</summary>
    public Task<StreamEntry[]> ReadNewAsync() => ReadAsync(StreamPosition.NewMessages);

    /// <summary>Claims entries idle longer than the claim time from consumers that stopped.</summary>
    public async Task<StreamEntry[]> ClaimAsync()
    {
        StreamAutoClaimResult result = await redis.GetDatabase().StreamAutoClaimAsync(
            keys.Stream,
            options.ConsumerGroup,
            consumer,
            (long)options.ClaimMinIdle.TotalMilliseconds,
            _claimCursor,
            options.ReadBatchSize).ConfigureAwait(false);
        _claimCursor = result.NextStartId;
        if (result.NextStartId == "0-0")
        {
            // A full pass over the pending list: look again after a fraction of the idle time.
            _nextClaim = Stopwatch.GetTimestamp() + (long)(options.ClaimMinIdle.TotalSeconds / 4 * Stopwatch.Frequency);
        }

        StreamEntry[] claimed = result.ClaimedEntries ?? [];
        if (claimed.Length > 0)
        {
            metrics.Claimed.Add(claimed.Length);
            SequencerLog.Claimed(logger, claimed.Length, (long)options.ClaimMinIdle.TotalMilliseconds);
        }

        return claimed;
    }

    private Task<StreamEntry[]> ReadAsync(RedisValue position) =>
        redis.GetDatabase().StreamReadGroupAsync(keys.Stream, options.ConsumerGroup, consumer, position, options.ReadBatchSize);
}
