using System.Diagnostics;

namespace DecisionLedger.Redis.Tests;

/// <summary>Bad command lines of <c>sequence</c> and <c>serve --buffer</c>: exit code 2 and a message naming the option.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--claim-min-idle", "sequence --redis 127.0.0.1:1 --election Host=x --claim-min-idle 0")]
    [InlineData("--store", "sequence --redis 127.0.0.1:1 --election Host=x --store mysql")]
    [InlineData("--connection", "sequence --redis 127.0.0.1:1 --election Host=x --store postgres")]
    [InlineData("--connection", "sequence --redis 127.0.0.1:1 --election Host=x --connection Host=y")]
    [InlineData("--batch", "sequence --redis 127.0.0.1:1 --election Host=x --batch 0")]
    [InlineData("--redis", "serve --buffer redis")]
    [InlineData("--redis", "serve --redis 127.0.0.1:1")]
    [InlineData("--buffer", "serve --buffer kafka --redis 127.0.0.1:1")]
    public async Task BadOption_ExitsWith2_NamingTheOption(string option, string commandLine)
    {
        using var ledger = new TestLedger();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "dledger.dll"), "--ledger", ledger.LedgerPath }.Concat(commandLine.Split(' ')))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }
}
