using System.Diagnostics;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Builds and runs tests/interop/tlog-follow: a tlog client on Go's golang.org/x/mod/sumdb/tlog and sumdb/note (Debian's
/// golang-golang-x-mod-dev, built offline in GOPATH mode), an implementation DecisionLedger did not write.
/// </summary>
internal static class GoTlogFollow
{
    /// <summary>Where Debian installs golang.org/x/mod for GOPATH builds.</summary>
    public const string GoPath = "/usr/share/gocode";

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    /// <summary>Why the Go client cannot run here, or null when it can.</summary>
    public static string? MissingReason()
    {
        if (FindOnPath("go") is null)
        {
            return "go is not installed: apt-get install golang-go golang-golang-x-mod-dev (.ci/services.sh does) to run the tlog-tiles interop test.";
        }

        return Directory.Exists(Path.Combine(GoPath, "src", "golang.org", "x", "mod", "sumdb", "tlog"))
            ? null
            : $"golang.org/x/mod is not under {GoPath}: apt-get install golang-golang-x-mod-dev to run the tlog-tiles interop test.";
    }

    /// <summary>Runs the client with <paramref name="arguments"/>; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        string binary = await Binary.Value;
        return await RunProcessAsync(binary, Environment.CurrentDirectory, arguments);
    }

    private static async Task<string> BuildAsync()
    {
        string source = Path.Combine(RepositoryRoot(), "tests", "interop", "tlog-follow");
        string output = Path.Combine(Path.GetTempPath(), "dledger-tlog-follow-" + Path.GetRandomFileName(), "tlog-follow");
        (int code, string log) = await RunProcessAsync("go", source, "build", "-o", output, ".");
        Assert.True(code == 0, "go build of tests/interop/tlog-follow failed:\n" + log);
        return output;
    }

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOPATH"] = GoPath;
        start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "dledger-go-cache");
        start.Environment["GOFLAGS"] = string.Empty;
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
