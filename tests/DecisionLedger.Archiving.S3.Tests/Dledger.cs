using System.Diagnostics;
using System.Globalization;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// Runs the real <c>dledger</c> (the CLI project's build output beside the tests) as a child process:
/// <c>dotnet exec dledger.dll …</c>, with extra environment variables for the child only, and measures
/// its wall time and CPU time (user + system of the reaped child, from <c>/proc/self/stat</c> around the run).
/// </summary>
internal static class Dledger
{
    /// <summary>Runs one command to its end (up to <paramref name="timeout"/>; killed after it).</summary>
    public static async Task<DledgerRun> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dledger.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        TimeSpan cpuBefore = ChildrenCpu();
        var wall = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"dledger {string.Join(' ', arguments)} ran longer than {timeout}; killed. stderr: {await stderr}");
        }

        wall.Stop();
        return new DledgerRun(process.ExitCode, await stdout, await stderr, wall.Elapsed, ChildrenCpu() - cpuBefore);
    }

    /// <summary>
    /// The CPU time of every child process that has ended and been reaped: fields 16 and 17 of
    /// <c>/proc/self/stat</c> (cutime, cstime, in USER_HZ = 100 ticks per second); zero off Linux.
    /// </summary>
    public static TimeSpan ChildrenCpu()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return TimeSpan.Zero;
        }

        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}

/// <summary>The outcome of one <c>dledger</c> run.</summary>
internal sealed record DledgerRun(int ExitCode, string Out, string Error, TimeSpan Wall, TimeSpan Cpu)
{
    public override string ToString() => $"exit {ExitCode} after {Wall.TotalSeconds:F1} s\nstdout: {Out}\nstderr: {Error}";
}
