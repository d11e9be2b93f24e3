using System.Globalization;

namespace DecisionLedger.Cli.Tests;

/// <summary>What Linux says a process has used: peak resident memory and CPU time, from <c>/proc</c>.</summary>
internal static class ProcessStats
{
    /// <summary>The peak resident set size (<c>VmHWM</c>) in MiB.</summary>
    public static double PeakRssMiB(int pid) => StatusMiB(pid, "VmHWM:");

    /// <summary>The resident set size now (<c>VmRSS</c>) in MiB.</summary>
    public static double CurrentRssMiB(int pid) => StatusMiB(pid, "VmRSS:");

    /// <summary>User plus system CPU time so far (fields 14 and 15 of <c>/proc/ID/stat</c>, in USER_HZ = 100 ticks per second).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static double StatusMiB(int pid, string field)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }
}
