using System.Diagnostics;

namespace DecisionLedger.Cli.Tests.Conformance;

/// <summary>
/// Runs tools/conformance/check.py, the independent checker written in Python from docs/format.md and
/// docs/retention.md alone (Python 3 with the <c>cryptography</c> package; the <c>zstd</c> program to read archive rows).
/// </summary>
internal static class PythonChecker
{
    /// <summary>Why the checker cannot run here (no <c>python3</c> on PATH), or null when it can.</summary>
    public static string? MissingReason() =>
        FindOnPath("python3") is null
            ? "python3 is not installed: install Python 3 and its 'cryptography' package to run the conformance checker (tools/conformance/check.py)."
            : null;

    /// <summary>Whether the <c>zstd</c> program is on PATH, so the checker reads archive rows too.</summary>
    public static bool CanReadArchiveRows => FindOnPath("zstd") is not null;

    /// <summary>The repository's docs/format.md.</summary>
    public static string FormatDoc => Path.Combine(RepositoryRoot(), "docs", "format.md");

    /// <summary>The repository's docs/examples/import folder.</summary>
    public static string ImportExamples => Path.Combine(RepositoryRoot(), "docs", "examples", "import");

    /// <summary>Runs check.py with <paramref name="arguments"/>; returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tools", "conformance", "check.py"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "DecisionLedger.slnx")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("DecisionLedger.slnx not found above " + AppContext.BaseDirectory);
    }
}
