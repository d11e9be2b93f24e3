using StackExchange.Redis;

namespace DecisionLedger.Redis;

/// <summary>Connects to Redis the way both collectors and the sequencer need: never giving up on a restart, bounded command time.</summary>
internal static class RedisConnections
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisBufferOptions options)
    {
        ConfigurationOptions configuration = ConfigurationOptions.Parse(options.Configuration);

        // A restarting Redis is an expected fault: keep reconnecting, and let commands wait in the
        // client's backlog up to the command timeout instead of failing at once.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectRetry = int.MaxValue;
        configuration.AsyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.CommandTimeout.TotalMilliseconds;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);
        return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
    }
}
