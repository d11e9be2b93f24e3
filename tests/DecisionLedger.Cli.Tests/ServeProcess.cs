using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>A real <c>dotnet dledger.dll serve</c> child process on 127.0.0.1:0; <see cref="Kill"/> is a kill -9 (no drain).</summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public HttpClient Client { get; private set; } = new();

    /// <summary>The collector's process id (its <c>/proc/ID/status</c> holds the peak RSS, <c>VmHWM</c>).</summary>
    public int Id => _process.Id;

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

    /// <summary>Starts <c>dledger serve</c> and waits (up to 60 s: the machine may be loaded) until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string ledger, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "dledger.dll"), "serve", "--urls", "http://127.0.0.1:0", "--ledger", ledger }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var serve = new ServeProcess(Process.Start(start)!);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Match match = Listening().Match(serve.Output);
            if (match.Success)
            {
                serve.Client = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(60) };
                return serve;
            }

            if (serve._process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        string output = serve.Output;
        serve.Dispose();
        throw new InvalidOperationException("dledger serve did not start listening: " + output);
    }

    /// <summary>SIGKILL: the collector dies at once; no request drain, no shutdown recording, no final checkpoint.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM: the graceful stop (drain, final checkpoint); returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        Client.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://[^ ,]+)")]
    private static partial Regex Listening();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
