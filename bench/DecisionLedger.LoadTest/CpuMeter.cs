using System.Diagnostics;
using System.Globalization;

namespace DecisionLedger.LoadTest;

/// <summary>
/// CPU seconds spent by this process and, on Linux, by the local server processes a run talks to
/// (<c>postgres</c>, <c>redis-server</c>): wall-clock throughput on a shared machine is noise, CPU
/// per decision is not. Server figures include every exited backend (reaped into the postmaster's
/// children time) and any other client of the same server in the same minutes.
/// </summary>
internal sealed class CpuMeter
{
    private readonly string[] _servers;
    private readonly TimeSpan _ownStart;
    private readonly double[] _serverStart;

    private CpuMeter(string[] servers)
    {
        _servers = servers;
        _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
        _serverStart = [.. servers.Select(ServerSeconds)];
    }

    /// <summary>Starts measuring this process and the named local server processes.</summary>
    public static CpuMeter Start(params string[] servers) => new(servers);

    /// <summary>One line per measured process group: CPU seconds and microseconds per decision.</summary>
    public IEnumerable<string> Report(long decisions, double extraClientSeconds = 0)
    {
        double own = (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds + extraClientSeconds;
        yield return Line("client (this process" + (extraClientSeconds > 0 ? " + collector processes" : "") + ")", own, decisions);
        for (int i = 0; i < _servers.Length; i++)
        {
            double seconds = ServerSeconds(_servers[i]);
            if (seconds >= 0 && _serverStart[i] >= 0)
            {
                yield return Line($"server ({_servers[i]} processes, from /proc)", seconds - _serverStart[i], decisions);
            }
        }
    }

    private static string Line(string who, double seconds, long decisions) =>
        string.Create(CultureInfo.InvariantCulture, $"  CPU {who,-44} {seconds,8:F2} s = {seconds * 1e6 / Math.Max(1, decisions),7:F1} µs per decision");

    // utime + stime + cutime + cstime of every process with that command name; -1 when /proc is not there.
    private static double ServerSeconds(string command)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return -1;
        }

        long ticks = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _) ||
                    File.ReadAllText(Path.Combine(dir, "comm")).Trim() != command)
                {
                    continue;
                }

                string stat = File.ReadAllText(Path.Combine(dir, "stat"));

                // Fields after the parenthesised command name: state is field 3, utime field 14.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                for (int f = 11; f <= 14; f++)
                {
                    ticks += long.Parse(fields[f], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process exited while being read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return ticks / 100.0; // USER_HZ is 100 on Linux.
    }
}
