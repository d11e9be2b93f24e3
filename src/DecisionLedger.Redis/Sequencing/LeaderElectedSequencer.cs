using System.Diagnostics.Metrics;
using DecisionLedger.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>
/// A sequencer process: stands by until it wins the ledger's election, then opens the ledger and
/// runs a <see cref="DecisionSequencer"/> until it is stopped or leadership is lost, and then
/// stands by again. Run one per machine you want as leader or standby.
/// </summary>
public sealed class LeaderElectedSequencer
{
    private readonly ILeaderElection _election;
    private readonly RedisBufferOptions _options;
    private readonly string _origin;
    private readonly string _consumer;
    private readonly Func<CancellationToken, Task<SequencerLedger>> _openLedger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory? _meterFactory;
    private readonly ILogger _logger;
    private int _leading;

    /// <summary>Creates the process's sequencer.</summary>
    /// <param name="election">The ledger's election, e.g. <c>PostgreSqlLeaderElection</c> from DecisionLedger.PostgreSql.</param>
    /// <param name="options">Buffer options; validated here.</param>
    /// <param name="origin">The ledger origin.</param>
    /// <param name="consumerName">This process's consumer name, unique per process (e.g. host-pid).</param>
    /// <param name="openLedger">Opens the store and starts the recorder; called each time leadership is won.</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <param name="meterFactory">Metrics; default standalone meters.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public LeaderElectedSequencer(
        ILeaderElection election,
        RedisBufferOptions options,
        string origin,
        string consumerName,
        Func<CancellationToken, Task<SequencerLedger>> openLedger,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openLedger);
        options.Validate();
        _election = election;
        _options = options;
        _origin = origin;
        _consumer = consumerName;
        _openLedger = openLedger;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _meterFactory = meterFactory;
        _logger = _loggerFactory.CreateLogger<LeaderElectedSequencer>();
    }

    /// <summary>True while this process leads and sequences.</summary>
    public bool IsLeader => Volatile.Read(ref _leading) == 1;

    /// <summary>Stands by, leads, and stands by again, until <paramref name="stoppingToken"/> is cancelled.</summary>
    /// <param name="stoppingToken">Stops the process's sequencer (steps down, releasing the lock).</param>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        ConnectionMultiplexer redis = await RedisConnections.ConnectAsync(_options).ConfigureAwait(false);
        await using (redis.ConfigureAwait(false))
        {
            await LeadOrStandByAsync(redis, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task LeadOrStandByAsync(ConnectionMultiplexer redis, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ILeadership leadership;
            try
            {
                leadership = await _election.AcquireAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await using (leadership.ConfigureAwait(false))
            {
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership.Lost);
                try
                {
                    // Opened even when a stop arrives meanwhile: the new leader's recorder is what signs
                    // the entries a killed leader committed after its last checkpoint, and it does so when
                    // disposed below. Only losing leadership abandons the open (the ledger is someone else's).
                    SequencerLedger ledger = await _openLedger(leadership.Lost).ConfigureAwait(false);
                    await using (ledger.ConfigureAwait(false))
                    {
                        using var sequencer = new DecisionSequencer(redis, _options, _origin, _consumer, ledger.Recorder, ledger.Store, _loggerFactory.CreateLogger<DecisionSequencer>(), _meterFactory);
                        Volatile.Write(ref _leading, 1);
                        await sequencer.RunAsync(leading.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (leading.IsCancellationRequested)
                {
                    // Lost leadership while opening the ledger, or stopped while sequencing.
                }
                catch (Exception ex)
                {
                    SequencerLog.LedgerFailed(_logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _leading, 0);
                }
            }
        }
    }
}
