using System.CommandLine;
using DecisionLedger.Ledger;
using DecisionLedger.PostgreSql;
using DecisionLedger.Recording;
using DecisionLedger.Redis;
using DecisionLedger.Hosting;
using DecisionLedger.PostgreSql.Election;
using DecisionLedger.Redis.Sequencing;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>sequence --redis HOST:PORT --election CONN</c>: runs this process's sequencer — stands by
/// until it wins the ledger's election (a PostgreSQL advisory lock), then moves buffered
/// decisions from the Redis stream into the ledger until Ctrl-C or SIGTERM, or until leadership
/// is lost. Run a second one elsewhere as the standby.
/// </summary>
internal sealed class SequenceCommand(CommandContext context)
{
    private readonly Option<string> _redis = new("--redis")
    {
        Description = "The buffer's Redis, host:port (a StackExchange.Redis configuration string).",
        HelpName = "HOST:PORT",
        Required = true,
    };

    private readonly Option<string> _election = new("--election")
    {
        Description = "Npgsql connection string of the PostgreSQL that elects the one sequencer (advisory lock), e.g. \"Host=db;Username=dledger;Password=…;Database=dledger\".",
        HelpName = "CONNECTION",
        Required = true,
    };

    private readonly Option<string?> _consumer = new("--consumer")
    {
        Description = "This process's consumer name in the stream's group; default HOST-PID.",
        HelpName = "NAME",
    };

    private readonly Option<double> _claimMinIdle = new("--claim-min-idle")
    {
        Description = "Seconds a dead consumer's pending entry must be idle before it is claimed (XAUTOCLAIM).",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => new RedisBufferOptions().ClaimMinIdle.TotalSeconds,
    };

    private readonly Option<int> _batch = new("--batch")
    {
        Description = "Most stream entries read and committed as one group.",
        HelpName = "N",
        DefaultValueFactory = _ => new RedisBufferOptions().ReadBatchSize,
    };

    private readonly Option<string> _store = new("--store")
    {
        Description = "The ledger store the sequencer writes: 'sqlite' (the ledger directory's database) or 'postgres' (with --connection).",
        HelpName = "sqlite|postgres",
        DefaultValueFactory = _ => "sqlite",
    };

    private readonly Option<string?> _connection = new("--connection")
    {
        Description = $"With --store postgres: the Npgsql connection string of the ledger database (the application role); default ${GlobalOptions.ConnectionVariable}.",
        HelpName = "CONNECTION",
    };

    private readonly Option<string> _schema = new("--schema")
    {
        Description = "With --store postgres: the ledger's schema.",
        HelpName = "NAME",
        DefaultValueFactory = _ => new PostgreSqlLedgerStoreOptions().Schema,
    };

    private readonly Option<bool> _migrate = new("--migrate")
    {
        Description = "With --store postgres: run the schema migrations on open (needs the owner role; for development).",
    };

    private readonly TsaOptions _tsa = new();
    private readonly Witness.WitnessingCliOptions _witnessing = new();

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("sequence", "Run the sequencer (leader or standby): move decisions buffered in Redis into the ledger, one sequencer per ledger.")
        {
            _redis, _election, _consumer, _claimMinIdle, _batch, _store, _connection, _schema, _migrate, _tsa.Tsa, _tsa.Policy,
        };
        foreach (Option option in _witnessing.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        double claimSeconds = parsed.GetValue(_claimMinIdle);
        if (!double.IsFinite(claimSeconds) || claimSeconds <= 0)
        {
            throw new CliException(ExitCodes.BadInput, $"--claim-min-idle: {claimSeconds} is not a positive number of seconds.");
        }

        int batch = parsed.GetValue(_batch);
        if (batch is < 1 or > 100_000)
        {
            throw new CliException(ExitCodes.BadInput, $"--batch: {batch} is out of range; pass 1 to 100000.");
        }

        var options = new RedisBufferOptions
        {
            Configuration = parsed.GetValue(_redis)!,
            ClaimMinIdle = TimeSpan.FromSeconds(claimSeconds),
            ReadBatchSize = batch,
        };
        options.Validate();
        DecisionLedger.Timestamping.TimestampingOptions timestamping = _tsa.Read(parsed);
        var witnessing = new DecisionLedger.Witnessing.Publishing.WitnessingOptions();
        _witnessing.Configure(parsed, witnessing);
        string path = context.LedgerPath(parsed);
        string origin = LedgerDirectory.Open(path).Config.Origin;
        string consumer = parsed.GetValue(_consumer) ?? $"{System.Environment.MachineName}-{System.Environment.ProcessId}";
        using ILoggerFactory loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var election = new PostgreSqlLeaderElection(parsed.GetValue(_election)!, origin, logger: loggers.CreateLogger<PostgreSqlLeaderElection>());
        var sequencer = new LeaderElectedSequencer(
            election,
            options,
            origin,
            consumer,
            WithWitnessing(OpenLedger(parsed, path, timestamping, loggers), witnessing, loggers),
            loggers);
        await context.Environment.Error.WriteLineAsync($"sequencer {consumer} for ledger {origin} ({path}); buffer {options.Configuration}; standing by for leadership. Ctrl-C to stop.");
        await context.Environment.Error.FlushAsync(cancellationToken);
        await sequencer.RunAsync(cancellationToken);
        await context.Environment.Error.WriteLineAsync("sequencer stopped.");
        return ExitCodes.Ok;
    }

    // The leader signs the checkpoints, so the leader publishes them to the witnesses, for as long as it leads.
    private Func<CancellationToken, Task<SequencerLedger>> WithWitnessing(Func<CancellationToken, Task<SequencerLedger>> open, DecisionLedger.Witnessing.Publishing.WitnessingOptions witnessing, ILoggerFactory loggers)
    {
        if (!witnessing.Enabled)
        {
            return open;
        }

        DecisionLedger.Witnessing.Publishing.WitnessingConfiguration configuration = witnessing.Resolve("Witnessing.");
        return async ct =>
        {
            SequencerLedger ledger = await open(ct);
            try
            {
                return Witness.SequencerWitnessing.Attach(ledger, configuration, context.Environment.Time, loggers);
            }
            catch
            {
                await ledger.DisposeAsync();
                throw;
            }
        };
    }

    private Func<CancellationToken, Task<SequencerLedger>> OpenLedger(ParseResult parsed, string path, DecisionLedger.Timestamping.TimestampingOptions timestamping, ILoggerFactory loggers)
    {
        string store = parsed.GetValue(_store)!;
        string? connection = parsed.GetValue(_connection);
        if (string.Equals(store, "sqlite", StringComparison.Ordinal))
        {
            if (connection is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--connection: only meaningful with --store postgres.");
            }

            return async ct =>
            {
                LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, ct);
                try
                {
                    DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, ct);
                    return new SequencerLedger(recorder, session.Store, StampedOwner.Start(session.Store, timestamping, context.Environment.Time, loggers, session));
                }
                catch
                {
                    await session.DisposeAsync();
                    throw;
                }
            };
        }

        if (!string.Equals(store, "postgres", StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.BadInput, $"--store: '{store}' is not a store; use 'sqlite' or 'postgres'.");
        }

        // Like every other command, so the password can stay out of the process list and shell history.
        if (string.IsNullOrWhiteSpace(connection))
        {
            connection = System.Environment.GetEnvironmentVariable(GlobalOptions.ConnectionVariable);
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new CliException(ExitCodes.BadInput, $"--connection: required with --store postgres; pass an Npgsql connection string, e.g. \"Host=db;Username=dledger_app;Password=…;Database=dledger\", or set {GlobalOptions.ConnectionVariable}.");
        }

        var options = new PostgreSqlLedgerStoreOptions { Schema = parsed.GetValue(_schema)!, MigrateOnOpen = parsed.GetValue(_migrate) };
        LedgerDirectory directory = LedgerDirectory.Open(path);
        return async ct =>
        {
            var postgres = new PostgreSqlLedgerStore(connection, options);
            try
            {
                await postgres.OpenAsync(ct);
                DecisionRecorder recorder = await LedgerRecorder.StartAsync(directory, postgres, time: context.Environment.Time, cancellationToken: ct);
                return new SequencerLedger(recorder, postgres, StampedOwner.Start(postgres, timestamping, context.Environment.Time, loggers, postgres));
            }
            catch
            {
                await postgres.DisposeAsync();
                throw;
            }
        };
    }
}
