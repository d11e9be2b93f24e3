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

    /// <summary>Creates <c>--json</c>: print one JSON document instead of human text.</summary>
    public static Option<bool> CreateJson() => new("--json")
    {
        Description = "Print one JSON document on stdout instead of human text.",
        Recursive = true,
    };
}
