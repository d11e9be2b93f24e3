using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Runs the commands of docs/model-risk.md as written: the fenced blocks marked
/// <c>&lt;!-- walkthrough --&gt;</c>, in order, with bash, in a fresh directory that holds only a copy
/// of docs/examples (the fixtures the import commands name) and the built <c>dledger</c> on PATH.
/// Nothing is substituted, so a doc edit that breaks a command, a date that no longer matches the
/// demo's timeline, or an import whose counts change fails here. Each block's output is checked
/// for the finding the page promises: the stable demo model raises no drift, the planted shift is
/// flagged from its first day, the import counts add up, and the imported ledger verifies.
/// </summary>
public sealed class ModelRiskWalkthroughTests : IDisposable
{
    private const string DocPath = "docs/model-risk.md";
    private const string BlockMarker = "@@walkthrough-block ";
    private static readonly TimeSpan WalkthroughTimeout = TimeSpan.FromMinutes(3);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "dledger-mrwalk-" + Guid.NewGuid().ToString("N")[..12]);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public void Doc_MarksTheWalkthroughBlocks_OfEachCapability()
    {
        // Without the markers the runner below would run nothing and pass: make losing them fail.
        IReadOnlyList<string> blocks = DeploymentWalkthroughTests.WalkthroughBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), DocPath)));

        Assert.True(blocks.Count >= 9, $"{DocPath}: expected at least nine '<!-- walkthrough -->' blocks, found {blocks.Count}.");
        string script = string.Join('\n', blocks);
        Assert.Contains("dledger replay", script, StringComparison.Ordinal);
        Assert.Contains("--drift-config", script, StringComparison.Ordinal);
        Assert.Contains("dledger report drift", script, StringComparison.Ordinal);
        Assert.Contains("--format sagemaker-capture", script, StringComparison.Ordinal);
        Assert.Contains("--format kserve-cloudevents", script, StringComparison.Ordinal);
        Assert.Contains("--format audit-table", script, StringComparison.Ordinal);
        Assert.Contains("dledger verify", script, StringComparison.Ordinal);
    }

    [WalkthroughToolsFact]
    public async Task Walkthrough_RunsAsWritten_ReplayFindsThePlantedModel_DriftFlagsOnlyThePlantedShift_ImportCountsAddUp()
    {
        IReadOnlyList<string> blocks = DeploymentWalkthroughTests.WalkthroughBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), DocPath)));
        Directory.CreateDirectory(_work);
        CopyDirectory(Path.Combine(RepositoryRoot(), "docs", "examples"), Path.Combine(_work, "docs", "examples"));
        string bin = Path.Combine(_work, "bin");
        Directory.CreateDirectory(bin);
        string dledger = Path.Combine(bin, "dledger");
        await File.WriteAllTextAsync(dledger, $"#!/bin/sh\nexec dotnet exec \"{Path.Combine(AppContext.BaseDirectory, "dledger.dll")}\" \"$@\"\n");
        File.SetUnixFileMode(dledger, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // One script, so later blocks see what earlier ones made; stderr joins stdout in order, and a
        // marker line before each block lets every check read only its own block's output.
        var script = new StringBuilder("set -euo pipefail\nexec 2>&1\n");
        for (int i = 0; i < blocks.Count; i++)
        {
            // The collector's port is the only thing substituted: 8080 may be taken on a shared machine.
            script.Append(CultureInfo.InvariantCulture, $"echo '{BlockMarker}{i}'\n")
                .Append(blocks[i].Replace("127.0.0.1:8080", "127.0.0.1:" + FreePort(), StringComparison.Ordinal)).Append('\n');
        }

        string scriptPath = Path.Combine(_work, "walkthrough.sh");
        await File.WriteAllTextAsync(scriptPath, script.ToString());

        (int exitCode, string output) = await RunBashAsync(scriptPath, bin);

        string diagnostics = $"exit {exitCode}\n--- script\n{script}\n--- output\n{output}";
        Assert.True(exitCode == 0, diagnostics);
        IReadOnlyList<string> outputs = SplitByBlock(output, blocks.Count, diagnostics);
        string Of(string command) => outputs[IndexOf(blocks, command, diagnostics)];

        // Replay: the sample's own model matches every decision; the planted retrained one differs on each.
        string replay = Of("fraud-decisions.jsonl");
        Assert.Contains("3 matched, 0 differed, 0 not replayable", replay, StringComparison.Ordinal);
        Assert.Contains("0 matched, 3 differed, 0 not replayable", replay, StringComparison.Ordinal);
        Assert.Contains("output.probability: recorded 0.986208, replayed", replay, StringComparison.Ordinal);
        Assert.Contains("it was replaced after the decision was made", replay, StringComparison.Ordinal);
        Assert.Contains("exit 1", replay, StringComparison.Ordinal);
        Assert.Contains("PASSED", replay, StringComparison.Ordinal);

        // Drift: the demo's stable model raises nothing; the planted shift is flagged from its first day.
        string stable = Of("dledger demo ");
        Assert.Contains("verify     PASSED", stable, StringComparison.Ordinal);
        Assert.Contains("No window drifted.", stable, StringComparison.Ordinal);
        Assert.DoesNotContain("DRIFT", stable, StringComparison.Ordinal);
        string shifted = Of("--model payments_risk");
        Assert.Contains("4 window(s) drifted; first at 2026-11-11T00:00:00.000000Z.", shifted, StringComparison.Ordinal);
        Assert.Contains("{\"start\":\"2026-11-11T00:00:00.000000Z\",\"worstPath\":\"input.amount\"}", shifted, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-10T00:00:00.000000Z\",\"worstPath", shifted, StringComparison.Ordinal);

        string monitor = Of("--drift-config");
        Assert.Contains("{\"start\":\"2026-11-14T00:00:00.000000Z\",\"decisions\":100,\"flagged\":true,\"worstPath\":\"output.label\"}", monitor, StringComparison.Ordinal);
        string[] alerts = [.. monitor.Split('\n').Where(line => line.Contains("Drift alert: payments_risk", StringComparison.Ordinal))];
        Assert.Equal(4, alerts.Length);
        Assert.Contains("window 2026-11-11T00:00:00", alerts[0], StringComparison.Ordinal);
        Assert.DoesNotContain(alerts, alert => alert.Contains("window 2026-11-10", StringComparison.Ordinal));

        // Import: each format's counts add up (read = imported + duplicates + bad), and bad records are named.
        string sageMaker = Of("--format sagemaker-capture");
        Assert.Contains("read 10 records: imported 6, 1 duplicate, 3 bad", sageMaker, StringComparison.Ordinal);
        Assert.Contains("exit 2", sageMaker, StringComparison.Ordinal);
        Assert.Contains("line 8: captureData.endpointInput.encoding:", sageMaker, StringComparison.Ordinal);
        string kserve = Of("--format kserve-cloudevents");
        Assert.Contains("read 10 records: imported 5 (1 from one half alone), 2 duplicate, 3 bad", kserve, StringComparison.Ordinal);
        Assert.Contains("exit 2", kserve, StringComparison.Ordinal);
        string auditTable = Of("sqlite3 audit.db");
        Assert.Contains("read 8 records: imported 3, 1 duplicate, 4 bad", auditTable, StringComparison.Ordinal);
        Assert.Contains("row 8 (request_id 'r-1004'): timestamp:", auditTable, StringComparison.Ordinal);
        Assert.Contains("exit 2", auditTable, StringComparison.Ordinal);
        string check = Of("--dry-run");
        Assert.Contains("read 8 records: would import 0, 4 duplicate, 4 bad", check, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing was written", check, StringComparison.Ordinal);
        Assert.Contains("PASSED", check, StringComparison.Ordinal);
        Assert.Contains("\"importedFrom\"", check, StringComparison.Ordinal);
    }

    private static int IndexOf(IReadOnlyList<string> blocks, string command, string diagnostics)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Contains(command, StringComparison.Ordinal))
            {
                return i;
            }
        }

        Assert.Fail($"{DocPath}: no walkthrough block runs '{command}'.\n{diagnostics}");
        return -1;
    }

    private static IReadOnlyList<string> SplitByBlock(string output, int count, string diagnostics)
    {
        var outputs = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string start = BlockMarker + i.ToString(CultureInfo.InvariantCulture) + "\n";
            int from = output.IndexOf(start, StringComparison.Ordinal);
            Assert.True(from >= 0, $"block {i} did not start.\n{diagnostics}");
            from += start.Length;
            int to = output.IndexOf(BlockMarker + (i + 1).ToString(CultureInfo.InvariantCulture) + "\n", from, StringComparison.Ordinal);
            outputs.Add(to < 0 ? output[from..] : output[from..to]);
        }

        return outputs;
    }

    private async Task<(int ExitCode, string Output)> RunBashAsync(string scriptPath, string bin)
    {
        // setsid: bash leads its own process group, so everything it started can be killed if the walk hangs.
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(scriptPath);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("DLEDGER_CONNECTION");
        start.Environment.Remove("DLEDGER_LEDGER");
        var output = new StringBuilder();
        using Process bash = Process.Start(start)!;
        bash.OutputDataReceived += (_, e) => { lock (output) { output.Append(e.Data).Append('\n'); } };
        bash.ErrorDataReceived += (_, e) => { lock (output) { output.Append(e.Data).Append('\n'); } };
        bash.BeginOutputReadLine();
        bash.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(WalkthroughTimeout);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            KillGroup(bash.Id);
            await bash.WaitForExitAsync();
            lock (output)
            {
                return (-1, $"timed out after {WalkthroughTimeout}\n{output}");
            }
        }
        finally
        {
            KillGroup(bash.Id);
        }

        lock (output)
        {
            return (bash.ExitCode, output.ToString());
        }
    }

    private static void KillGroup(int processGroup)
    {
        using Process? kill = Process.Start(new ProcessStartInfo("kill", ["-s", "KILL", "--", "-" + processGroup]) { RedirectStandardError = true, UseShellExecute = false });
        kill?.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, DocPath)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"{DocPath} not found above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that needs jq and sqlite3 on PATH (the doc's commands use them): skipped with the reason when either is missing, unless CI requires services.</summary>
public sealed class WalkthroughToolsFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when jq or sqlite3 is not on PATH and services are not required.</summary>
    public WalkthroughToolsFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") == "1")
        {
            return;
        }

        string[] missing = new[] { "jq", "sqlite3" }
            .Where(tool => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool))))
            .ToArray();
        if (missing.Length > 0)
        {
            Skip = $"{string.Join(" and ", missing)} not on PATH: source .ci/services.sh to run the model-risk walkthrough.";
        }
    }
}
