using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>A real <c>dotnet dledger.dll witness serve</c> child process on 127.0.0.1:0.</summary>
internal sealed partial class WitnessProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WitnessProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public HttpClient Client { get; private set; } = new();

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

    /// <summary>Starts the witness and waits (up to 60 s: the machine may be loaded) until it prints its address.</summary>
    public static async Task<WitnessProcess> StartAsync(string logs, string state, string key, string url = "http://127.0.0.1:0")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "dledger.dll"), "witness", "serve", "--urls", url, "--logs", logs, "--state", state, "--key", key })
        {
            start.ArgumentList.Add(argument);
        }

        var witness = new WitnessProcess(Process.Start(start)!);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Match match = Listening().Match(witness.Output);
            if (match.Success)
            {
                witness.Client = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(60) };
                return witness;
            }

            if (witness._process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        string output = witness.Output;
        witness.Dispose();
        throw new InvalidOperationException("dledger witness serve did not start listening: " + output);
    }

    /// <summary>POSTs an add-checkpoint body and returns the status, body and content type.</summary>
    public async Task<(int Status, string Body, string? ContentType)> AddCheckpointAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await Client.PostAsync("add-checkpoint", content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        Client.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://[^ ,;]+)")]
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
