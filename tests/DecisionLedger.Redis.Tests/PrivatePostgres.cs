using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// A PostgreSQL cluster of this test alone (DLEDGER_TEST_PG_BINDIR's initdb and pg_ctl, run as the
/// postgres user in a temp directory it owns) on a free port, so the test can crash and restart it.
/// </summary>
internal sealed class PrivatePostgres : IDisposable
{
    private PrivatePostgres(string binDirectory)
    {
        BinDirectory = binDirectory;
        Root = Path.Combine(Path.GetTempPath(), "dledger-pg-" + Path.GetRandomFileName());
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public string BinDirectory { get; }

    public string Root { get; }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5";

    private string Data => Path.Combine(Root, "data");

    public static async Task<PrivatePostgres> StartAsync(string binDirectory)
    {
        var postgres = new PrivatePostgres(binDirectory);
        Directory.CreateDirectory(postgres.Root);
        await RunAsync("chown", "postgres", postgres.Root);
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(binDirectory, "initdb"), "-D", postgres.Data, "-A", "trust", "-U", "postgres", "--no-sync");
        await postgres.StartAsync();
        return postgres;
    }

    public Task StartAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", Data, "-l", Path.Combine(Root, "log"), "-w", "-t", "60",
            "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {Root} -c listen_addresses=127.0.0.1", "start");

    /// <summary>Immediate shutdown: like a crash, every session is cut and recovery runs on the next start.</summary>
    public Task CrashAsync() =>
        RunAsync("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");

    public void Dispose()
    {
        try
        {
            CrashAsync().GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
