using System.Diagnostics;
using System.Text.Json;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger demo</c> run again on the same ledger continues the story, and its hints run as printed.</summary>
public sealed class DemoRerunTests
{
    [Fact]
    public async Task Demo_RunTwice_SecondRunStartsAfterTheFirstAndNoVersionGoesBack()
    {
        using var temp = new TempLedger();
        CliResult first = await CliRun.RunAsync("demo", "--count", "90", "--ledger", temp.Ledger, "--json");
        CliResult second = await CliRun.RunAsync("demo", "--count", "60", "--ledger", temp.Ledger, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());

        await using (var store = new SqliteLedgerStore(temp.Database, new SqliteLedgerStoreOptions { ReadOnly = true }))
        {
            await store.OpenAsync();
            DateTimeOffset previous = DateTimeOffset.MinValue;
            for (long seq = 0; seq < 150; seq++)
            {
                StoredEntry entry = (await store.GetEntryAsync(seq))!;
                Assert.True(entry.Columns.Timestamp >= previous, $"seq {seq} is dated {entry.Columns.Timestamp:O}, before seq {seq - 1} at {previous:O}");
                previous = entry.Columns.Timestamp;
            }
        }

        CliResult timeline = await CliRun.RunAsync("report", "version-timeline", "--model", "fraud_detector", "--ledger", temp.Ledger, "--json");
        Assert.True(timeline.ExitCode == 0, timeline.ToString());
        using JsonDocument json = JsonDocument.Parse(timeline.Out);
        (string From, string To)[] changes = json.RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("fromVersion").GetString()!, c.GetProperty("toVersion").GetString()!))
            .ToArray();
        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.True(Version.Parse(c.To) > Version.Parse(c.From), $"the timeline goes back from {c.From} to {c.To}"));
        Assert.Contains(("3.2.1", "3.3.0"), changes);
    }

    [Fact]
    public async Task Demo_ThirdRun_ContinuesFromTheVersionTheSecondEndedOn()
    {
        using var temp = new TempLedger();
        foreach (string count in new[] { "30", "30", "30" })
        {
            CliResult run = await CliRun.RunAsync("demo", "--count", count, "--ledger", temp.Ledger, "--json");
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        CliResult human = await CliRun.RunAsync("demo", "--count", "1", "--ledger", temp.Ledger);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("recorded   1 decision;", human.Out, StringComparison.Ordinal);
        Assert.Contains("3.3.0 (", human.Out, StringComparison.Ordinal);
        Assert.Contains("3.4.0 (", human.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_RunAsDotnetDll_TryNextLinesRunAsPrinted()
    {
        using var temp = new TempLedger();
        string dll = Path.Combine(AppContext.BaseDirectory, "dledger.dll");
        (int code, string output) = await RunAsync(temp.Root, "dotnet", "exec", dll, "demo", "--count", "20", "--ledger", temp.Ledger);
        Assert.True(code == 0, output);

        string line = output.Split('\n').Select(l => l.Trim()).Single(l => l.EndsWith($"checkpoint --ledger {temp.Ledger}", StringComparison.Ordinal));

        // Through a shell, as a user pastes it: the program must be found on PATH or by its path.
        (int again, string checkpoint) = await RunAsync(temp.Root, "/bin/sh", "-c", line);

        Assert.True(again == 0, $"'{line}' failed: {checkpoint}");
        Assert.StartsWith("decisionledger.demo/fraud\n20\n", checkpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void Invocation_FromProjectBuildOutput_IsDotnetRunOfTheProject_OrTheDllUnderTheHost()
    {
        using var temp = new TempLedger();
        string project = Path.Combine(temp.Root, "src", "DecisionLedger.Cli");
        string output = Path.Combine(project, "bin", "Debug", "net10.0");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(project, "DecisionLedger.Cli.csproj"), "<Project><PropertyGroup><AssemblyName>dledger</AssemblyName></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(output, "dledger"), string.Empty);

        string viaApphost = CliInvocation.Detect(Path.Combine(output, "dledger"), output + "/", "dledger", temp.Root, "/usr/bin:/bin");
        string viaHost = CliInvocation.Detect("/usr/share/dotnet/dotnet", output, "dledger", temp.Root, "/usr/bin:/bin");

        Assert.Equal("dotnet run --project src/DecisionLedger.Cli --", viaApphost);
        Assert.Equal("dotnet src/DecisionLedger.Cli/bin/Debug/net10.0/dledger.dll", viaHost);
    }

    [Fact]
    public void Invocation_InstalledToolOnPath_IsItsName_ElsewhereItsPath()
    {
        using var temp = new TempLedger();
        string tools = Path.Combine(temp.Root, "tools");
        string store = Path.Combine(tools, ".store", "dledger", "1.0.0", "tools", "net10.0", "any");
        Directory.CreateDirectory(store);
        string shim = Path.Combine(tools, "dledger");
        File.WriteAllText(shim, string.Empty);
        string elsewhere = Path.Combine(temp.Root, "other");
        Directory.CreateDirectory(elsewhere);

        Assert.Equal("dledger", CliInvocation.Detect(shim, store, "dledger", elsewhere, $"/usr/bin:{tools}"));
        Assert.Equal(shim, CliInvocation.Detect(shim, store, "dledger", elsewhere, "/usr/bin"));
        Assert.Equal($"dotnet {Path.Combine(store, "dledger.dll")}", CliInvocation.Detect("/usr/bin/dotnet", store, "dledger", elsewhere, $"/usr/bin:{tools}"));
    }

    private static async Task<(int Code, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await error);
    }
}
