using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DecisionLedger.Redis.Tests;

/// <summary>
/// A redis-server of this test alone (DLEDGER_TEST_REDIS_SERVER) on a free port with its own data
/// directory, appendonly yes and appendfsync always, so the test can kill and restart it.
/// </summary>
internal sealed class PrivateRedis : IDisposable
{
    private Process? _process;

    private PrivateRedis(string binary)
    {
        Binary = binary;
        Directory = Path.Combine(Path.GetTempPath(), "dledger-redis-server-" + Path.GetRandomFileName());
        System.IO.Directory.CreateDirectory(Directory);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public string Binary { get; }

    public string Directory { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedis> StartAsync(string binary)
    {
        var redis = new PrivateRedis(binary);
        await redis.StartAsync();
        return redis;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--appendonly", "yes", "--appendfsync", "always", "--save", string.Empty },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        long started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no final fsync; only what appendfsync always already wrote survives.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temp.
        }
    }
}
