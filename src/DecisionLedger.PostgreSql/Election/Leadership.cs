using DecisionLedger.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DecisionLedger.PostgreSql.Election;

/// <summary>
/// Held leadership of one ledger: the session that holds the advisory lock. A watchdog checks the
/// session every interval; when it fails, <see cref="Lost"/> is cancelled at once, since the lock
/// may already be someone else's. Disposing releases the lock and closes the session.
/// </summary>
public sealed class Leadership : ILeadership
{
    private readonly NpgsqlConnection _connection;
    private readonly string _origin;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watchdog;

    internal Leadership(NpgsqlConnection connection, string origin, TimeSpan checkInterval, ILogger logger)
    {
        _connection = connection;
        _origin = origin;
        _logger = logger;
        _watchdog = Task.Run(() => WatchAsync(checkInterval));
    }

    /// <summary>Cancelled when the lock's session fails: stop appending immediately.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Steps down: stops the watchdog, releases the lock and closes the session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watchdog.ConfigureAwait(false);
        try
        {
            // Closing the session releases the lock too; unlocking first makes the hand-over immediate.
            if (!_lost.IsCancellationRequested)
            {
                NpgsqlCommand unlock = new("SELECT pg_advisory_unlock_all()", _connection);
                await using (unlock.ConfigureAwait(false))
                {
                    await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The session is gone; so is the lock.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        _lost.Dispose();
        _stop.Dispose();
    }

    private async Task WatchAsync(TimeSpan interval)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(interval * 3);
                NpgsqlCommand ping = new("SELECT 1", _connection);
                await using (ping.ConfigureAwait(false))
                {
                    await ping.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stepping down.
        }
        catch (Exception ex)
        {
            LeaderElectionLog.LeadershipLost(_logger, ex, _origin);
            await _lost.CancelAsync().ConfigureAwait(false);
        }
    }
}
