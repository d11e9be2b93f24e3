using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DecisionLedger.PostgreSql.Election;

/// <summary>
/// Elects the one sequencer of a ledger with a PostgreSQL session advisory lock
/// (<c>pg_try_advisory_lock</c>) held on a dedicated connection for as long as leadership lasts.
/// When the leader dies, PostgreSQL ends its session and releases the lock; a standby polling
/// <see cref="AcquireAsync"/> then takes it. When the leader's connection fails, it can no longer
/// know it holds the lock: <see cref="Leadership.Lost"/> fires and it must stop appending.
/// </summary>
public sealed class PostgreSqlLeaderElection : ILeaderElection
{
    private readonly string _connectionString;
    private readonly string _origin;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _checkInterval;
    private readonly ILogger _logger;

    /// <summary>Creates the election for one ledger.</summary>
    /// <param name="connectionString">An Npgsql connection string; pooling is turned off for the lock's connection.</param>
    /// <param name="origin">The ledger origin; the lock key is derived from it, so each ledger has its own leader.</param>
    /// <param name="pollInterval">How often a standby tries the lock. Default 1 s.</param>
    /// <param name="checkInterval">How often the leader checks its lock connection is alive. Default 1 s.</param>
    /// <param name="logger">Logging; default none.</param>
    public PostgreSqlLeaderElection(string connectionString, string origin, TimeSpan? pollInterval = null, TimeSpan? checkInterval = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The lock lives in the session: a pooled connection could outlive leadership or be shared.
            Pooling = false,
            KeepAlive = 1,
            TcpKeepAlive = true,
        };
        _connectionString = builder.ConnectionString;
        _origin = origin;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        _checkInterval = checkInterval ?? TimeSpan.FromSeconds(1);
        _logger = logger ?? NullLogger.Instance;
        LockKey = LockKeyFor(origin);
    }

    /// <summary>The advisory lock key of this ledger: the first 8 bytes of SHA-256("dledger-sequencer\n" ‖ origin), big-endian.</summary>
    public long LockKey { get; }

    /// <summary>Derives the advisory lock key of a ledger origin.</summary>
    /// <param name="origin">The ledger origin.</param>
    /// <returns>The signed 64-bit key passed to <c>pg_try_advisory_lock</c>.</returns>
    public static long LockKeyFor(string origin)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes("dledger-sequencer\n" + origin));
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }

    /// <summary>Tries the lock once.</summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The leadership, or null when another session holds the lock.</returns>
    /// <exception cref="NpgsqlException">PostgreSQL is unreachable.</exception>
    public async Task<Leadership?> TryAcquireAsync(CancellationToken cancellationToken = default)
    {
        // Ownership passes to the Leadership on success; every other path disposes it in finally.
#pragma warning disable CA2000
        NpgsqlConnection? connection = new(_connectionString);
#pragma warning restore CA2000
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlCommand command = new("SELECT pg_try_advisory_lock(@key)", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("key", LockKey);
                if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    LeaderElectionLog.LeadershipAcquired(_logger, _origin, LockKey);
                    var leadership = new Leadership(connection, _origin, _checkInterval, _logger);
                    connection = null;
                    return leadership;
                }
            }

            return null;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until this process holds the lock: polls while another session holds it or PostgreSQL is unreachable.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The leadership; dispose it to step down.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Leadership> AcquireAsync(CancellationToken cancellationToken = default)
    {
        bool announced = false;
        while (true)
        {
            try
            {
                if (await TryAcquireAsync(cancellationToken).ConfigureAwait(false) is { } leadership)
                {
                    return leadership;
                }

                if (!announced)
                {
                    LeaderElectionLog.StandingBy(_logger, _origin);
                    announced = true;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                LeaderElectionLog.ElectionUnreachable(_logger, ex, _origin);
            }

            await Task.Delay(_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    async Task<ILeadership> ILeaderElection.AcquireAsync(CancellationToken cancellationToken) =>
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
}
