using System.Diagnostics;
using System.Text;

namespace DecisionLedger.Redis.Tests;

/// <summary>A real <c>dledger sequence</c> child process (the built CLI next to this test assembly).</summary>
internal sealed class SequencerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SequencerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool IsLeader => Output.Contains("Leadership of ledger", StringComparison.Ordinal) && Output.Contains("acquired", StringComparison.Ordinal);

    public static SequencerProcess Start(string ledgerPath, string redis, string election, string name, string[]? storeArguments = null, double claimMinIdleSeconds = 1)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "dledger.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "exec", dll, "--ledger", ledgerPath, "sequence", "--redis", redis, "--election", election,
                "--consumer", name, "--claim-min-idle", claimMinIdleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in storeArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        return new SequencerProcess(Process.Start(start)!, name);
    }

    /// <summary>SIGKILL: the process dies mid-whatever, its PostgreSQL session and Redis connection drop.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM: the sequencer stops, the recorder drains and signs a final checkpoint.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
