using System.Text;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli;

/// <summary>
/// What a command may touch outside its arguments: stdout, stderr, stdin, whether stdout is a
/// terminal, and the clock. Tests run the CLI in-process with their own writers.
/// </summary>
/// <param name="Out">Standard output: only the command's result goes here.</param>
/// <param name="Error">Standard error: failures and human-mode notes.</param>
/// <param name="OpenInput">Opens standard input (for <c>record -</c>).</param>
/// <param name="IsTerminal">True when stdout is an interactive terminal (progress bars are shown only then).</param>
/// <param name="Time">The clock.</param>
internal sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    Func<Stream> OpenInput,
    bool IsTerminal,
    TimeProvider Time)
{
    /// <summary>
    /// Opens the store of a ledger: (database path, read-only) → store. Default a
    /// <see cref="SqliteLedgerStore"/>; tests substitute one to simulate failures such as a full disk.
    /// </summary>
    public Func<string, bool, ILedgerStore> StoreFactory { get; init; } = DefaultStore;

    /// <summary>True when stderr is an interactive terminal: long reports draw their progress there, whatever stdout is.</summary>
    public bool IsErrorTerminal { get; init; }

    /// <summary>
    /// How the user runs this program, for the commands printed as hints ("try next"): <c>dledger</c>
    /// when installed on PATH, else e.g. <c>dotnet run --project src/DecisionLedger.Cli --</c>
    /// (see <see cref="CliInvocation"/>). Default <c>dledger</c>.
    /// </summary>
    public string Invocation { get; init; } = CliInvocation.ToolName;

    /// <summary>The embedded SQLite store, read-only for commands that only read.</summary>
    public static ILedgerStore DefaultStore(string databasePath, bool readOnly) =>
        new SqliteLedgerStore(databasePath, new SqliteLedgerStoreOptions { ReadOnly = readOnly });

    /// <summary>The process console: buffered stdout flushed by the commands, stderr, stdin.</summary>
    public static CliEnvironment FromConsole()
    {
        // A buffered stdout keeps 'record' fast on large files; commands flush when output
        // must be visible (each batch of receipts, the end of the command).
#pragma warning disable CA2000 // The process's own streams live as long as the process; RunAsync flushes them.
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
#pragma warning restore CA2000
        return new CliEnvironment(stdout, stderr, Console.OpenStandardInput, !Console.IsOutputRedirected, TimeProvider.System)
        {
            IsErrorTerminal = !Console.IsErrorRedirected,
            Invocation = CliInvocation.Detect(),
        };
    }
}
