using System.CommandLine;
using DecisionLedger.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>serve --urls URL</c>: runs the collector until Ctrl-C or SIGTERM, then lets requests finish,
/// drains the recorder and signs a final checkpoint.
/// </summary>
internal sealed class ServeCommand(CommandContext context)
{
    /// <summary>The command's name; <see cref="CliApplication"/> leaves signal handling to the web host for it.</summary>
    public const string Name = "serve";

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

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command(Name, "Run the collector: the HTTP API to record, query and prove decisions (API keys: 'dledger keys').") { _urls, _maxDecisionBytes, _maxBatchBytes };
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

        var options = new CollectorOptions { MaxDecisionBytes = maxDecision, MaxBatchBytes = maxBatch, TimeProvider = context.Environment.Time };
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

        await using WebApplication app = CollectorApp.Build(path, urls, options);
        await app.StartAsync(cancellationToken);
        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? urls;
        await context.Environment.Error.WriteLineAsync($"collector listening on {string.Join(", ", addresses)} for ledger {path}; Ctrl-C to stop.");
        await context.Environment.Error.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);

        // Stopping ran the drain: every accepted decision is durable under a final checkpoint.
        await app.StopAsync(CancellationToken.None);
        await context.Environment.Error.WriteLineAsync("collector stopped; recorder drained.");
        return ExitCodes.Ok;
    }
}
