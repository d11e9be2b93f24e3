using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// A real <c>dotnet dledger.dll …</c> child process that serves HTTP on an address it prints: starts
/// it, collects its stdout and stderr, waits until it listens, and kills it (kill -9) when disposed.
/// </summary>
/// <remarks>The collector (<see cref="ServeProcess"/>) and the witness (<c>WitnessProcess</c>) harnesses share it.</remarks>
internal abstract class DledgerChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    /// <summary>Starts collecting the output of <paramref name="process"/>.</summary>
    /// <param name="process">The started process, with stdout and stderr redirected.</param>
    protected DledgerChildProcess(Process process)
    {
        Process = process;
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>A client whose base address is where the process listens.</summary>
    public HttpClient Client { get; private set; } = new();

    /// <summary>The process id (its <c>/proc/ID/status</c> holds the peak RSS, <c>VmHWM</c>).</summary>
    public int Id => Process.Id;

    /// <summary>Everything the process wrote to stdout and stderr so far, line by line.</summary>
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

    /// <summary>The child process.</summary>
    protected Process Process { get; }

    /// <summary>SIGKILL: the process dies at once, with no drain and no shutdown work.</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
    }

    /// <summary>Kills the process if it still runs and releases the client.</summary>
    public void Dispose()
    {
        Kill();
        Client.Dispose();
        Process.Dispose();
    }

    /// <summary>
    /// Starts <c>dotnet exec dledger.dll</c> with <paramref name="arguments"/> and waits (up to 60 s: the
    /// machine may be loaded) until its output matches <paramref name="listening"/>, whose first group is the address.
    /// </summary>
    /// <typeparam name="T">The harness type.</typeparam>
    /// <param name="arguments">The dledger arguments, e.g. <c>serve --urls …</c>.</param>
    /// <param name="create">Wraps the started process in the harness.</param>
    /// <param name="listening">Finds the address in the output.</param>
    /// <param name="command">The command as named in the error, e.g. <c>dledger serve</c>.</param>
    /// <returns>The harness, its <see cref="Client"/> pointed at the address.</returns>
    /// <exception cref="InvalidOperationException">The process exited or did not listen within 60 s; the message holds its output.</exception>
    protected static async Task<T> StartAsync<T>(IEnumerable<string> arguments, Func<Process, T> create, Regex listening, string command)
        where T : DledgerChildProcess
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] all = ["exec", Path.Combine(AppContext.BaseDirectory, "dledger.dll"), .. arguments];
        foreach (string argument in all)
        {
            start.ArgumentList.Add(argument);
        }

        T child = create(Process.Start(start)!);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Match match = listening.Match(child.Output);
            if (match.Success)
            {
                child.Client = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(60) };
                return child;
            }

            if (child.Process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        string output = child.Output;
        child.Dispose();
        throw new InvalidOperationException(command + " did not start listening: " + output);
    }

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
