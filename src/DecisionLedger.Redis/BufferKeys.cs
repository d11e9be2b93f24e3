using StackExchange.Redis;

namespace DecisionLedger.Redis;

/// <summary>
/// The Redis names of one ledger's buffer: one stream per ledger origin, its dead-letter stream
/// and the receipts channel. The origin is in braces (a hash tag) so a ledger's keys share a
/// Redis Cluster slot; ledgers shard across slots.
/// </summary>
internal sealed class BufferKeys(string prefix, string origin)
{
    /// <summary>The stream collectors XADD to and the sequencer reads.</summary>
    public RedisKey Stream { get; } = $"{prefix}:{{{origin}}}:decisions";

    /// <summary>Messages the sequencer could not read, with the reason; never silently dropped.</summary>
    public RedisKey DeadLetters { get; } = $"{prefix}:{{{origin}}}:dead";

    /// <summary>Where the sequencer publishes receipts for waiting collectors.</summary>
    public RedisChannel Receipts { get; } = RedisChannel.Literal($"{prefix}:{{{origin}}}:receipts");
}
