using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder's one retry rule for every store call of its stages (group commits, checkpoints,
/// duplicate look-ups, subject keys, tree reloads): up to <see cref="LedgerOptions.MaxAppendAttempts"/>
/// attempts, pausing <see cref="LedgerOptions.AppendRetryDelay"/> before the second and doubling
/// the pause each time. The last failure is rethrown.
/// </summary>
internal sealed class StoreRetry(LedgerOptions options, TimeProvider time, ILogger logger)
{
    public int MaxAttempts => options.MaxAppendAttempts;

    /// <summary>Runs <paramref name="operation"/> under the rule; <paramref name="count"/> (entries concerned) is only logged.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> operation, int count = 0)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                // The stages never abandon a store call half way: an accepted decision is written or failed.
                return await operation(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < options.MaxAppendAttempts)
            {
                RecorderLog.AppendRetrying(logger, ex, count, attempt, options.MaxAppendAttempts);
                await Task.Delay(options.AppendRetryDelay * Math.Pow(2, attempt - 1), time).ConfigureAwait(false);
            }
        }
    }

    /// <summary>As <see cref="RunAsync{T}"/>, for a call without a result.</summary>
    public Task RunAsync(Func<CancellationToken, ValueTask> operation, int count = 0) =>
        RunAsync<bool>(
            async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return true;
            },
            count);
}
