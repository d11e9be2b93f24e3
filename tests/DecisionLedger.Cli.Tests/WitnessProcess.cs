using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>A real <c>dotnet dledger.dll witness serve</c> child process on 127.0.0.1:0.</summary>
internal sealed partial class WitnessProcess : DledgerChildProcess
{
    private WitnessProcess(Process process)
        : base(process)
    {
    }

    /// <summary>Starts the witness and waits (up to 60 s: the machine may be loaded) until it prints its address.</summary>
    public static Task<WitnessProcess> StartAsync(string logs, string state, string key, string url = "http://127.0.0.1:0") =>
        StartAsync(
            ["witness", "serve", "--urls", url, "--logs", logs, "--state", state, "--key", key],
            process => new WitnessProcess(process),
            Listening(),
            "dledger witness serve");

    /// <summary>POSTs an add-checkpoint body and returns the status, body and content type.</summary>
    public async Task<(int Status, string Body, string? ContentType)> AddCheckpointAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await Client.PostAsync("add-checkpoint", content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex(@"listening on (http://[^ ,;]+)")]
    private static partial Regex Listening();
}
