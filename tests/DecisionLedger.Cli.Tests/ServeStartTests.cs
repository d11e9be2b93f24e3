using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>dledger serve</c> as a new user meets it (issue 13, "First-hour papercuts"): a port in use is one clear
/// line and a non-zero exit, not a stack trace; and a request writes no log lines by default.
/// </summary>
public sealed class ServeStartTests
{
    [Fact]
    public async Task Serve_PortInUse_OneLineNamingTheAddress_Exit2()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "start.example/port")).ExitCode);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string url = "http://127.0.0.1:" + ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        (int exitCode, string stdout, string stderr) = await RunServeAsync("--urls", url, "--ledger", temp.Ledger);

        string output = stdout + stderr;
        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}");
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(url, line, StringComparison.Ordinal);
        Assert.Contains("already in use", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ByDefault_RequestsWriteNoInfoLines()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--ledger", temp.Ledger, "--origin", "start.example/quiet")).ExitCode);
        string key = (await CliRun.RunAsync("keys", "create", "--role", "admin", "--ledger", temp.Ledger)).Out.Trim();
        using ServeProcess serve = await ServeProcess.StartAsync(temp.Ledger);

        for (int i = 0; i < 3; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Some.DecisionJson(i), Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using HttpResponseMessage response = await serve.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The graceful stop flushes the console logger: everything the requests logged is in the output now.
        Assert.Equal(0, await serve.StopAsync());
        string[] info = [.. serve.Output.Split('\n').Where(l => l.StartsWith("info:", StringComparison.Ordinal) && !l.Contains("Microsoft.Hosting.Lifetime", StringComparison.Ordinal))];
        Assert.True(info.Length == 0, "info lines besides the hosting lifetime:\n" + serve.Output);
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunServeAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "dledger.dll"), "serve" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
