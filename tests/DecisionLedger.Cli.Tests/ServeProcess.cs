using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>A real <c>dotnet dledger.dll serve</c> child process on 127.0.0.1:0; <see cref="DledgerChildProcess.Kill"/> is a kill -9 (no drain).</summary>
internal sealed partial class ServeProcess : DledgerChildProcess
{
    private ServeProcess(Process process)
        : base(process)
    {
    }

    /// <summary>Starts <c>dledger serve</c> and waits (up to 60 s: the machine may be loaded) until it listens.</summary>
    public static Task<ServeProcess> StartAsync(string ledger, params string[] arguments) =>
        StartAsync(
            new[] { "serve", "--urls", "http://127.0.0.1:0", "--ledger", ledger }.Concat(arguments),
            process => new ServeProcess(process),
            Listening(),
            "dledger serve");

    /// <summary>SIGTERM: the graceful stop (drain, final checkpoint); returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Process.WaitForExitAsync(timeout.Token);
        return Process.ExitCode;
    }

    [GeneratedRegex(@"listening on (http://[^ ,]+)")]
    private static partial Regex Listening();
}
