using System.CommandLine;
using DecisionLedger.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>serve --urls URL</c>: runs the collector until Ctrl-C or SIGTERM, then lets requests finish,
/// drains the recorder and signs a final checkpoint.
/// </summary>
internal sealed class ServeCommand(CommandContext context)
{
    /// <summary>The command's name; <see cref="CliApplication"/> leaves signal handling to the web host for it.</summary>
    public const string Name = "serve";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private readonly Option<string[]> _urls = new("--urls")
    {
        Description = "Where to listen, e.g. http://127.0.0.1:8080 (repeat or separate with ';' for several).",
        HelpName = "URL",
        DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<long> _maxDecisionBytes = new("--max-decision-bytes")
    {
        Description = "Largest application/json body (one decision); larger gets 413.",
        HelpName = "BYTES",
        DefaultValueFactory = _ => CollectorOptions.DefaultMaxDecisionBytes,
    };

    private readonly Option<long> _maxBatchBytes = new("--max-batch-bytes")
    {
        Description = "Largest application/x-ndjson body (one batch); larger gets 413.",
        HelpName = "BYTES",
        DefaultValueFactory = _ => CollectorOptions.DefaultMaxBatchBytes,
    };

    private readonly Option<int> _maxBadLines = new("--max-bad-lines")
    {
        Description = "Invalid lines after which an NDJSON batch stops; the rest of the body is counted, not parsed.",
        HelpName = "LINES",
        DefaultValueFactory = _ => new CollectorOptions().MaxBadLines,
    };

    private readonly Option<int> _queueCapacity = new("--queue-capacity")
    {
        Description = "Decisions that may wait in the recorder's queue.",
        HelpName = "DECISIONS",
        DefaultValueFactory = _ => new CollectorOptions().QueueCapacity,
    };

    private readonly Option<double> _enqueueTimeout = new("--enqueue-timeout")
    {
        Description = "Seconds a decision waits for room in the recorder's full queue before it is shed with 503 and Retry-After.",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => new CollectorOptions().EnqueueTimeout.TotalSeconds,
    };

    private readonly Option<int> _maxConcurrentIngests = new("--max-concurrent-ingests")
    {
        Description = "POST /v1/decisions requests read and recorded at once; more wait, unread.",
        HelpName = "REQUESTS",
        DefaultValueFactory = _ => new CollectorOptions().MaxConcurrentIngestRequests,
    };

    private readonly Option<int> _maxQueuedIngests = new("--max-queued-ingests")
    {
        Description = "POST /v1/decisions requests that may wait for --max-concurrent-ingests; one more gets 503 and Retry-After at once.",
        HelpName = "REQUESTS",
        DefaultValueFactory = _ => new CollectorOptions().MaxQueuedIngestRequests,
    };

    private readonly Option<double> _cloudEventTimeout = new("--cloudevent-timeout")
    {
        Description = "Seconds a KServe CloudEvent half waits for its partner before it is recorded alone.",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => new CollectorOptions().CloudEventPairTimeout.TotalSeconds,
    };

    private readonly Option<string?> _cloudEventJournal = new("--cloudevent-journal")
    {
        Description = "The file holding KServe CloudEvent halves that wait for their partner (fsynced before the 202, replayed at start); default cloudevents-pending.jsonl in the ledger directory. Give each collector sharing a ledger directory its own.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _buffer = new("--buffer")
    {
        Description = "Where accepted decisions go: omit to record in this process; 'redis' to append them to a Redis stream and answer 202 (a 'dledger sequence' process records them).",
        HelpName = "redis",
    };

    private readonly Option<string?> _redis = new("--redis")
    {
        Description = "With --buffer redis: the buffer's Redis, host:port (a StackExchange.Redis configuration string).",
        HelpName = "HOST:PORT",
    };

    private readonly Option<LogLevel?> _logLevel = new("--log-level")
    {
        Description = "Least severe log line written, for every category (Trace, Debug, Information, Warning, Error, Critical, None). Default: quiet, no lines per request; Logging__LogLevel__CATEGORY variables set single categories.",
        HelpName = "LEVEL",
    };

    private readonly Option<bool> _publicTiles = new("--public-tiles")
    {
        Description = "Serve /tlog/checkpoint and the hash tiles without an API key, so anyone can monitor or witness the log (they reveal nothing about decisions; entry bundles still need an auditor key). Default: a monitor, auditor or admin key.",
    };

    private readonly TsaOptions _tsa = new();
    private readonly Witness.WitnessingCliOptions _witnessing = new();
    private readonly DriftServeOption _drift = new();
    private readonly ReplayServeOptions _replay = new();
    private readonly ServeArchiveOptions _archiving = new();

    private static readonly (string Property, string Flag)[] FlagOf =
    [
        (nameof(CollectorOptions.MaxBadLines), "--max-bad-lines"),
        (nameof(CollectorOptions.QueueCapacity), "--queue-capacity"),
        (nameof(CollectorOptions.MaxConcurrentIngestRequests), "--max-concurrent-ingests"),
        (nameof(CollectorOptions.MaxQueuedIngestRequests), "--max-queued-ingests"),
    ];

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command(Name, "Run the collector: the HTTP API to record, query and prove decisions (API keys: 'dledger keys').") { _urls, _maxDecisionBytes, _maxBatchBytes, _maxBadLines, _queueCapacity, _enqueueTimeout, _maxConcurrentIngests, _maxQueuedIngests, _cloudEventTimeout, _cloudEventJournal, _buffer, _redis, _logLevel, _publicTiles, _tsa.Tsa, _tsa.Policy, _drift.Option };
        foreach (Option option in _witnessing.All.Concat(_archiving.All))
        {
            command.Options.Add(option);
        }

        _replay.AddTo(command);
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string path = context.LedgerPath(parsed);
        string[] urls = [.. (parsed.GetValue(_urls) ?? []).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        long maxDecision = parsed.GetValue(_maxDecisionBytes);
        long maxBatch = parsed.GetValue(_maxBatchBytes);
        if (maxDecision <= 0 || maxBatch <= 0)
        {
            throw new CliException(ExitCodes.BadInput, "--max-decision-bytes, --max-batch-bytes: must be positive; pass a size in bytes.");
        }

        double timeout = parsed.GetValue(_cloudEventTimeout);
        if (!(timeout > 0 && timeout <= TimeSpan.FromDays(1).TotalSeconds))
        {
            throw new CliException(ExitCodes.BadInput, "--cloudevent-timeout: must be more than 0 and at most 86400 seconds; pass e.g. 30.");
        }

        double enqueueTimeout = parsed.GetValue(_enqueueTimeout);
        if (!(enqueueTimeout > 0 && enqueueTimeout <= TimeSpan.FromDays(1).TotalSeconds))
        {
            throw new CliException(ExitCodes.BadInput, "--enqueue-timeout: must be more than 0 and at most 86400 seconds; pass e.g. 2.");
        }

        var options = new CollectorOptions
        {
            MaxDecisionBytes = maxDecision,
            MaxBatchBytes = maxBatch,
            MaxBadLines = parsed.GetValue(_maxBadLines),
            QueueCapacity = parsed.GetValue(_queueCapacity),
            EnqueueTimeout = TimeSpan.FromSeconds(enqueueTimeout),
            MaxConcurrentIngestRequests = parsed.GetValue(_maxConcurrentIngests),
            MaxQueuedIngestRequests = parsed.GetValue(_maxQueuedIngests),
            CloudEventPairTimeout = TimeSpan.FromSeconds(timeout),
            CloudEventJournalPath = parsed.GetValue(_cloudEventJournal),
            TimeProvider = context.Environment.Time,
            RedisBuffer = BufferOptions(parsed),
            PublicTlogTiles = parsed.GetValue(_publicTiles),
        };
        foreach (DecisionLedger.Timestamping.TimestampAuthority authority in _tsa.Read(parsed).Authorities)
        {
            options.Timestamping.Authorities.Add(authority);
        }

        _witnessing.Configure(parsed, options.Witnessing);
        options.Drift = _drift.Read(parsed);
        _replay.Configure(parsed, options);
        using IDisposable? replayArtifacts = options.ReplayArtifacts as IDisposable; // an S3 artifact store deletes its downloads when the collector stops
        _archiving.Configure(parsed, options.Archiving);
        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            // The message names the option (CollectorOptions.X); the user typed the flag.
            string message = exception.Message;
            foreach ((string property, string flag) in FlagOf)
            {
                message = message.Replace("CollectorOptions." + property, flag, StringComparison.Ordinal);
            }

            message = message.Replace("CollectorOptions.Archiving.Interval", "--archive-every", StringComparison.Ordinal);

            message = Witness.WitnessingCliOptions.ToFlags(message);

            throw new CliException(ExitCodes.BadInput, message);
        }

        if (context.IsPostgres(parsed))
        {
            // --store postgres: keys and config stay in the ledger directory, the entries move to PostgreSQL.
            Func<string, bool, DecisionLedger.Storage.ILedgerStore> store = context.StoreFactory(parsed);
            options.StoreFactory = directory => store(directory.DatabasePath, false);
        }
        else
        {
            LedgerSession.EnsureWritable(DecisionLedger.Ledger.LedgerDirectory.Open(path).DatabasePath);
        }

        LogLevel? logLevel = parsed.GetValue(_logLevel);
        bool starting = true;
        await using WebApplication app = CollectorApp.Build(path, urls, options, builder =>
        {
            if (logLevel is { } level)
            {
                builder.Configuration.AddInMemoryCollection(CollectorLogging.All(level));
            }

            // A failed start is reported below in one sentence; the host's own error line would repeat it with a stack trace.
            // Only the host's own category: a filter without one would be the rule of every category without a level of its own.
            builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && !(level >= LogLevel.Error && Volatile.Read(ref starting)));
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException exception) when (exception.InnerException is AddressInUseException)
        {
            throw new CliException(ExitCodes.BadInput, $"--urls: {AddressOf(exception, urls)} is already in use by another process; stop that process, or pass a free address, e.g. --urls http://127.0.0.1:8081.");
        }
        finally
        {
            Volatile.Write(ref starting, false);
        }

        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? urls;
        await context.Environment.Error.WriteLineAsync($"collector listening on {string.Join(", ", addresses)} for ledger {path}; Ctrl-C to stop.");
        await context.Environment.Error.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);

        // Stopping ran the drain: every accepted decision is durable under a final checkpoint.
        await app.StopAsync(CancellationToken.None);
        await context.Environment.Error.WriteLineAsync("collector stopped; recorder drained.");
        return ExitCodes.Ok;
    }

    /// <summary>The address Kestrel could not bind, from its message ("Failed to bind to address URL: address already in use.").</summary>
    private static string AddressOf(IOException exception, string[] urls)
    {
        const string Prefix = "Failed to bind to address ";
        string message = exception.Message;
        int start = message.IndexOf(Prefix, StringComparison.Ordinal);
        int end = start < 0 ? -1 : message.IndexOf(": ", start + Prefix.Length, StringComparison.Ordinal);
        return end > 0 ? message[(start + Prefix.Length)..end] : string.Join(", ", urls);
    }

    private DecisionLedger.Redis.RedisBufferOptions? BufferOptions(ParseResult parsed)
    {
        string? buffer = parsed.GetValue(_buffer);
        string? redis = parsed.GetValue(_redis);
        if (buffer is null)
        {
            return redis is null ? null : throw new CliException(ExitCodes.BadInput, "--redis: only meaningful with --buffer redis; add --buffer redis or drop --redis.");
        }

        if (!string.Equals(buffer, "redis", StringComparison.Ordinal))
        {
            throw new CliException(ExitCodes.BadInput, $"--buffer: '{buffer}' is not a buffer; the only one is 'redis'.");
        }

        return string.IsNullOrWhiteSpace(redis)
            ? throw new CliException(ExitCodes.BadInput, "--redis: required with --buffer redis; pass host:port, e.g. 127.0.0.1:6379.")
            : new DecisionLedger.Redis.RedisBufferOptions { Configuration = redis };
    }
}
