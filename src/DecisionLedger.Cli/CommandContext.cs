using System.CommandLine;

namespace DecisionLedger.Cli;

/// <summary>What every command shares: the environment and the global options, plus the ledger path in use (for error messages).</summary>
internal sealed class CommandContext(CliEnvironment environment, Option<string> ledgerOption, Option<bool> jsonOption)
{
    /// <summary>Output, input, terminal detection, clock.</summary>
    public CliEnvironment Environment { get; } = environment;

    /// <summary>The <c>--ledger</c> option.</summary>
    public Option<string> LedgerOption { get; } = ledgerOption;

    /// <summary>The <c>--json</c> option.</summary>
    public Option<bool> JsonOption { get; } = jsonOption;

    /// <summary>The full path of the ledger directory the running command uses, once known.</summary>
    public string? CurrentLedgerPath { get; private set; }

    /// <summary>Reads <c>--ledger</c> and remembers it for error messages.</summary>
    public string LedgerPath(ParseResult parsed)
    {
        string path = Path.GetFullPath(parsed.GetValue(LedgerOption) ?? GlobalOptions.DefaultLedger);
        CurrentLedgerPath = path;
        return path;
    }

    /// <summary>Reads <c>--json</c>.</summary>
    public bool Json(ParseResult parsed) => parsed.GetValue(JsonOption);

    /// <summary>Opens the ledger named by <c>--ledger</c>.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="forWrite">True when the command appends (checks the database is writable first).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <param name="openStore">False to skip the store's open checks (verification reads damaged ledgers).</param>
    public Task<LedgerSession> OpenLedgerAsync(ParseResult parsed, bool forWrite, CancellationToken cancellationToken, bool openStore = true) =>
        LedgerSession.OpenAsync(LedgerPath(parsed), forWrite, Environment.StoreFactory, openStore, cancellationToken);
}
