using DecisionLedger.Hosting;
using DecisionLedger.Redis;
using DecisionLedger.Redis.Capture;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Sends a hosted service's captured decisions to the Redis stream buffer: <c>AddDecisionLedger(…).UseRedisBuffer(path, o => …)</c>.</summary>
public static class RedisBufferDecisionLedgerBuilderExtensions
{
    /// <summary>
    /// Captured decisions are validated, fingerprinted and redacted with the policy of the ledger in
    /// <paramref name="ledgerDirectoryPath"/> (which must exist: it is the ledger the sequencer records
    /// into), then appended to the ledger's Redis stream; <c>dledger sequence</c> records them.
    /// Endpoints answer once Redis acknowledged the XADD; when it does not, FailClosed endpoints
    /// answer 503 and ProceedAndAlarm endpoints serve the result with an alarm. The service never writes the ledger itself, so
    /// <c>IDecisionRecorder</c> is not available. Options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The builder from <c>AddDecisionLedger</c>.</param>
    /// <param name="ledgerDirectoryPath">The ledger directory (as for <c>dledger --ledger</c>); it must already exist.</param>
    /// <param name="configure">Configures where Redis is (<see cref="RedisBufferOptions.Configuration"/>) and the stream's key prefix.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    public static DecisionLedgerBuilder UseRedisBuffer(this DecisionLedgerBuilder builder, string ledgerDirectoryPath, Action<RedisBufferOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.UseCaptureBuffer<RedisCaptureBuffer>(ledgerDirectoryPath);
        IServiceCollection services = builder.Services;
        services.AddOptions<RedisBufferOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBufferOptions>, RedisBufferOptionsValidator>());
        return builder;
    }
}
