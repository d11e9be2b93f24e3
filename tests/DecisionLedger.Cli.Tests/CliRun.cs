using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

/// <summary>Runs dledger in-process against captured writers.</summary>
internal static class CliRun
{
    public static async Task<CliResult> RunWithInputAsync(string stdin, Func<string, bool, ILedgerStore>? storeFactory, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment(stdout, stderr, () => new MemoryStream(Encoding.UTF8.GetBytes(stdin)), IsTerminal: false, TimeProvider.System);
        if (storeFactory is not null)
        {
            environment = environment with { StoreFactory = storeFactory };
        }

        int code = await CliApplication.RunAsync(args, environment);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, null, args);
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}
