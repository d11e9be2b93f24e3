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

    /// <summary>The <c>--store</c> option.</summary>
    public Option<string> StoreOption { get; } = GlobalOptions.CreateStore();

    /// <summary>The <c>--connection</c> option.</summary>
    public Option<string?> ConnectionOption { get; } = GlobalOptions.CreateConnection();

    /// <summary>The <c>--schema</c> option.</summary>
    public Option<string> SchemaOption { get; } = GlobalOptions.CreateSchema();

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

    /// <summary>
    /// The PostgreSQL connection string: <c>--connection</c>, else <c>$DLEDGER_CONNECTION</c>, else null.
    /// Read here rather than as the option's default so <c>--help</c> never prints a password.
    /// </summary>
    public string? Connection(ParseResult parsed) =>
        parsed.GetValue(ConnectionOption) is { Length: > 0 } value ? value : System.Environment.GetEnvironmentVariable(GlobalOptions.ConnectionVariable) is { Length: > 0 } variable ? variable : null;

    /// <summary>Whether <c>--store postgres</c> was chosen.</summary>
    public bool IsPostgres(ParseResult parsed) => string.Equals(parsed.GetValue(StoreOption), "postgres", StringComparison.Ordinal);

    /// <summary>
    /// The store factory of <c>--store</c>: (database path, read-only) → store. SQLite uses
    /// <see cref="CliEnvironment.StoreFactory"/>; PostgreSQL ignores the path and connects with <c>--connection</c>.
    /// </summary>
    /// <exception cref="CliException"><c>--store postgres</c> without a connection string, or a bad schema name (exit 2).</exception>
    public Func<string, bool, Storage.ILedgerStore> StoreFactory(ParseResult parsed)
    {
        if (!IsPostgres(parsed))
        {
            return Environment.StoreFactory;
        }

        string connection = Connection(parsed)
            ?? throw new CliException(ExitCodes.BadInput, $"--connection: required with --store postgres; pass an Npgsql connection string or set {GlobalOptions.ConnectionVariable}.");
        string schema = parsed.GetValue(SchemaOption) ?? "decisionledger";
        try
        {
            // Fail on a malformed connection string or schema now, with the option named.
            PostgreSql.PostgreSqlLedgerStore probe = new(connection, new PostgreSql.PostgreSqlLedgerStoreOptions { Schema = schema });
            probe.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadInput, exception.ParamName == "connectionString" ? "--connection: " + exception.Message : "--schema: " + exception.Message);
        }

        return (_, readOnly) => new PostgreSql.PostgreSqlLedgerStore(connection, new PostgreSql.PostgreSqlLedgerStoreOptions { Schema = schema, ReadOnly = readOnly });
    }

    /// <summary>Opens the ledger named by <c>--ledger</c>.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="forWrite">True when the command appends (checks the database is writable first).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <param name="openStore">False to skip the store's open checks (verification reads damaged ledgers).</param>
    public Task<LedgerSession> OpenLedgerAsync(ParseResult parsed, bool forWrite, CancellationToken cancellationToken, bool openStore = true) =>
        LedgerSession.OpenAsync(LedgerPath(parsed), forWrite, StoreFactory(parsed), openStore, cancellationToken, fileBacked: !IsPostgres(parsed));
}
