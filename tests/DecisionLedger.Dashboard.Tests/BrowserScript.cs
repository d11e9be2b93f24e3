using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace DecisionLedger.Dashboard.Tests;

/// <summary>Runs <c>e2e/dashboard.mjs</c> with node (after <c>npm ci</c>, once per test process, when <c>node_modules</c> is not completely installed).</summary>
internal static class BrowserScript
{
    /// <summary>The chromium binary from <c>DLEDGER_TEST_CHROMIUM</c>, or null.</summary>
    public static string? Chromium => Environment.GetEnvironmentVariable("DLEDGER_TEST_CHROMIUM") is { Length: > 0 } path && File.Exists(path) ? path : null;

    /// <summary>node on the PATH, or null.</summary>
    public static string? Node => FindOnPath("node");

    /// <summary>The directory of the script and its package-lock.json.</summary>
    public static string Directory => typeof(BrowserScript).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "E2eDirectory").Value!;

    /// <summary>Where screenshots go: <c>DLEDGER_DASHBOARD_SCREENSHOTS</c>, else <c>TestResults/dashboard-screenshots</c> at the repository root.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("DLEDGER_DASHBOARD_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(Directory, "..", "..", "..", "TestResults", "dashboard-screenshots"));

    /// <summary>Runs the script in <paramref name="mode"/>; returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string baseUrl, string key, string mode)
    {
        (int code, string output) = await s_install.Value;
        if (code != 0)
        {
            return (code, "npm ci failed:\n" + output);
        }

        return await ExecAsync(Node ?? "node", ["dashboard.mjs", baseUrl, key, ScreenshotDirectory, mode], TimeSpan.FromMinutes(3));
    }

    // One install per test process, awaited by every script: the browser tests run in parallel, and
    // one that saw node_modules/playwright-core appear while another's npm ci was still extracting it
    // ran node on a half-written coreBundle.js ("SyntaxError: Unexpected end of input"). The marker,
    // written after npm ci succeeded (and removed by the next npm ci), tells a complete install from
    // one a killed run left behind.
    private static readonly Lazy<Task<(int ExitCode, string Output)>> s_install = new(InstallAsync);

    private static string InstalledMarker => Path.Combine(Directory, "node_modules", ".dledger-npm-ci-complete");

    private static async Task<(int ExitCode, string Output)> InstallAsync()
    {
        if (File.Exists(InstalledMarker))
        {
            return (0, string.Empty);
        }

        (int code, string output) = await ExecAsync(FindOnPath("npm") ?? throw new InvalidOperationException("npm is not on the PATH; install Debian's npm."), ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        if (code == 0)
        {
            await File.WriteAllTextAsync(InstalledMarker, "npm ci completed\n");
        }

        return (code, output);
    }

    private static async Task<(int, string)> ExecAsync(string file, string[] arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DLEDGER_TEST_CHROMIUM"] = Chromium ?? "/usr/bin/chromium";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = new StringBuilder();
        Task stdout = PumpAsync(process.StandardOutput, output);
        Task stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
            return (-1, $"{file} {string.Join(' ', arguments)} did not finish within {limit}:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
