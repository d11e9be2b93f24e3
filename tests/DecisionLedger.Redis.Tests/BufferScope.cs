using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>A test's own keys on a real Redis (a random key prefix), with a plain connection to inspect them; deleted at the end.</summary>
internal sealed class BufferScope : IAsyncDisposable
{
    private BufferScope(ConnectionMultiplexer redis, RedisBufferOptions options, string origin)
    {
        Redis = redis;
        Options = options;
        Keys = new BufferKeys(options.KeyPrefix, origin);
    }

    public ConnectionMultiplexer Redis { get; }

    public RedisBufferOptions Options { get; }

    public BufferKeys Keys { get; }

    public IDatabase Db => Redis.GetDatabase();

    public static async Task<BufferScope> CreateAsync(string configuration, string origin, Action<RedisBufferOptions>? configure = null)
    {
        var options = new RedisBufferOptions
        {
            Configuration = configuration,
            KeyPrefix = "dltest-" + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal),
            IdlePollInterval = TimeSpan.FromMilliseconds(5),
            ClaimMinIdle = TimeSpan.FromSeconds(1),
            ReceiptWait = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return new BufferScope(await RedisConnections.ConnectAsync(options), options, origin);
    }

    public async Task<long> PendingAsync()
    {
        StreamPendingInfo info = await Db.StreamPendingAsync(Keys.Stream, Options.ConsumerGroup);
        return info.PendingMessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Db.KeyDeleteAsync([Keys.Stream, Keys.DeadLetters]);
        }
        catch (RedisException)
        {
            // A test that stopped its Redis has nothing left to clean.
        }

        await Redis.DisposeAsync();
    }
}
