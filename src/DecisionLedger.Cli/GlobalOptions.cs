using System.CommandLine;

namespace DecisionLedger.Cli;

/// <summary>The options every command takes: <c>--ledger DIR</c> and <c>--json</c>.</summary>
internal static class GlobalOptions
{
    /// <summary>The default ledger directory.</summary>
    public const string DefaultLedger = "./ledger";

    /// <summary>Creates <c>--ledger DIR</c>, recursive so it works before or after the command name.</summary>
    public static Option<string> CreateLedger() => new("--ledger")
    {
        Description = "The ledger directory (database, signing key, config).",
        HelpName = "DIR",
        DefaultValueFactory = _ => DefaultLedger,
        Recursive = true,
    };

    /// <summary>The environment variable <c>--connection</c> defaults to, so a password need not appear on a command line.</summary>
    public const string ConnectionVariable = "DLEDGER_CONNECTION";

    /// <summary>Creates <c>--store sqlite|postgres</c>: where the ledger's entries live (keys and config stay in the ledger directory).</summary>
    public static Option<string> CreateStore() => new Option<string>("--store")
    {
        Description = "Where the entries live: 'sqlite' (the database in the ledger directory, default) or 'postgres' (needs --connection).",
        HelpName = "sqlite|postgres",
        DefaultValueFactory = _ => "sqlite",
        Recursive = true,
    }.AcceptOnlyFromAmong("sqlite", "postgres");

    /// <summary>Creates <c>--connection</c>: the Npgsql connection string of the PostgreSQL store.</summary>
    public static Option<string?> CreateConnection() => new("--connection")
    {
        Description = $"Npgsql connection string of the PostgreSQL store (the application role); default ${ConnectionVariable}.",
        HelpName = "CONNECTION",
        Recursive = true,
    };

    /// <summary>Creates <c>--schema</c>: the PostgreSQL schema holding the ledger.</summary>
    public static Option<string> CreateSchema() => new("--schema")
    {
        Description = "The PostgreSQL schema holding the ledger (one ledger per schema).",
        HelpName = "NAME",
        DefaultValueFactory = _ => "decisionledger",
        Recursive = true,
    };

    /// <summary>Creates <c>--json</c>: print one JSON document instead of human text.</summary>
    public static Option<bool> CreateJson() => new("--json")
    {
        Description = "Print one JSON document on stdout instead of human text.",
        Recursive = true,
    };
}
