using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using StackExchange.Redis;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Runs the walkthrough of docs/deployment.md ("Running it") as written: the fenced blocks marked
/// <c>&lt;!-- walkthrough --&gt;</c>, in order, with bash, against the real PostgreSQL and Redis. Only the
/// shared resources are substituted (database, application role, origin, Redis address, ports), so a
/// doc edit that breaks a command, or drops an option the product no longer takes, fails here.
/// </summary>
public sealed partial class DeploymentWalkthroughTests : IAsyncLifetime, IDisposable
{
    private const string DocPath = "docs/deployment.md";
    private static readonly TimeSpan WalkthroughTimeout = TimeSpan.FromMinutes(5);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "dledger-walk-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

    private string Database => "dlwalk_" + _suffix;

    private string Role => "dlwalk_app_" + _suffix;

    private string Origin => $"walk-{_suffix}.example/fraud";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES") is not { Length: > 0 } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Database};", connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES") is { Length: > 0 } server)
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE); DROP ROLE IF EXISTS {Role};", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS") is { Length: > 0 } redis)
        {
            await using ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(redis);
            foreach (IServer node in multiplexer.GetServers())
            {
                foreach (RedisKey key in node.Keys(pattern: $"dledger:{{{Origin}}}:*"))
                {
                    await multiplexer.GetDatabase().KeyDeleteAsync(key);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public void Doc_MarksTheWalkthroughBlocks()
    {
        // Without the markers the runner below would run nothing and pass: make losing them fail.
        IReadOnlyList<string> blocks = WalkthroughBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), DocPath)));

        Assert.True(blocks.Count >= 4, $"{DocPath}: expected the four '<!-- walkthrough -->' blocks of 'Running it', found {blocks.Count}.");
        string script = string.Join('\n', blocks);
        Assert.Contains("dledger migrate", script, StringComparison.Ordinal);
        Assert.Contains(" sequence ", script, StringComparison.Ordinal);
        Assert.Contains("serve --buffer redis", script, StringComparison.Ordinal);
        Assert.Contains("verify --store postgres", script, StringComparison.Ordinal);
    }

    [PostgresAndRedisFact]
    public async Task Walkthrough_TwoCollectorsAndAnElectedSequencer_RunAsWritten_AndVerifyPassesOnPostgreSql()
    {
        string script = Substitute(string.Join('\n', WalkthroughBlocks(File.ReadAllText(Path.Combine(RepositoryRoot(), DocPath)))));
        Directory.CreateDirectory(_work);
        string bin = Path.Combine(_work, "bin");
        Directory.CreateDirectory(bin);
        string dledger = Path.Combine(bin, "dledger");
        // exec, so the pid a block takes with $! is dledger's own and 'kill -TERM' reaches it.
        await File.WriteAllTextAsync(dledger, $"#!/bin/sh\nexec dotnet exec \"{Path.Combine(AppContext.BaseDirectory, "dledger.dll")}\" \"$@\"\n");
        File.SetUnixFileMode(dledger, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string scriptPath = Path.Combine(_work, "walkthrough.sh");
        await File.WriteAllTextAsync(scriptPath, "set -euo pipefail\n" + script + "\n");

        (int exitCode, string output) = await RunBashAsync(scriptPath, bin);

        string diagnostics = $"exit {exitCode}\n--- script\n{script}\n--- output\n{output}\n{Logs()}";
        Assert.True(exitCode == 0, diagnostics);
        Assert.Contains("PASSED", output, StringComparison.Ordinal);
        Assert.Matches(ThreeEntries(), output);
        Assert.Contains("detector:email", output, StringComparison.Ordinal);
    }

    /// <summary>The fenced blocks right after a <c>&lt;!-- walkthrough --&gt;</c> line, in document order.</summary>
    internal static IReadOnlyList<string> WalkthroughBlocks(string markdown) =>
        WalkthroughBlock().Matches(markdown).Select(match => match.Groups["body"].Value).ToList();

    private string Substitute(string script)
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES"));
        string redis = Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS")!;
        string hostAndPort = $"Host={server.Host};Port={server.Port}";
        (string Literal, string Value)[] substitutions =
        [
            ("Host=127.0.0.1;Username=dledger_owner;Password=dledger_owner;Database=ledger", $"{hostAndPort};Username={server.Username};Password={server.Password};Database={Database}"),
            ("Host=127.0.0.1;Username=dledger_app;Password=app-secret;Database=ledger", $"{hostAndPort};Username={Role};Password=app-secret;Database={Database}"),
            ("--app-role dledger_app", "--app-role " + Role),
            ("127.0.0.1:6390", redis),
            ("127.0.0.1:8080", "127.0.0.1:" + FreePort()),
            ("127.0.0.1:8081", "127.0.0.1:" + FreePort()),
            ("decisionledger.example/fraud", Origin),
        ];

        // Literals first become markers, so the check below sees only what the doc wrote.
        string marked = script;
        for (int i = 0; i < substitutions.Length; i++)
        {
            marked = marked.Replace(substitutions[i].Literal, $"@@{i}@@", StringComparison.Ordinal);
        }

        // A new literal in the doc that is not substituted would touch the machine's shared servers.
        foreach (string shared in new[] { "Database=ledger", "dledger_app", ":6390", ":8080", ":8081", "decisionledger.example" })
        {
            Assert.False(marked.Contains(shared, StringComparison.Ordinal), $"{DocPath}: the walkthrough uses '{shared}' in a form this test does not substitute; update Substitute.");
        }

        string result = marked;
        for (int i = 0; i < substitutions.Length; i++)
        {
            result = result.Replace($"@@{i}@@", substitutions[i].Value, StringComparison.Ordinal);
        }

        return result;
    }

    private async Task<(int ExitCode, string Output)> RunBashAsync(string scriptPath, string bin)
    {
        // setsid: bash leads its own process group, so every background dledger can be killed if the walk hangs.
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(scriptPath);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("DLEDGER_CONNECTION");
        start.Environment.Remove("DLEDGER_APP_PASSWORD");
        var output = new StringBuilder();
        using Process bash = Process.Start(start)!;
        bash.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        bash.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
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

    private string Logs()
    {
        var logs = new StringBuilder();
        foreach (string log in Directory.Exists(_work) ? Directory.GetFiles(_work, "*.log") : [])
        {
            logs.Append("--- ").AppendLine(Path.GetFileName(log)).AppendLine(File.ReadAllText(log));
        }

        return logs.ToString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    [GeneratedRegex(@"^<!-- walkthrough -->[ \t]*\r?\n```sh\r?\n(?<body>.*?)\r?\n```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex WalkthroughBlock();

    [GeneratedRegex(@"\b3 entries\b")]
    private static partial Regex ThreeEntries();
}

/// <summary>A fact that needs DLEDGER_TEST_POSTGRES and DLEDGER_TEST_REDIS: skipped with the reason when either is unset, unless CI requires services.</summary>
public sealed class PostgresAndRedisFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when PostgreSQL or Redis is not configured and services are not required.</summary>
    public PostgresAndRedisFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") == "1")
        {
            return;
        }

        string[] missing = new[] { "DLEDGER_TEST_POSTGRES", "DLEDGER_TEST_REDIS" }
            .Where(variable => Environment.GetEnvironmentVariable(variable) is not { Length: > 0 })
            .ToArray();
        if (missing.Length > 0)
        {
            Skip = $"{string.Join(" and ", missing)} not set: source .ci/services.sh to run the deployment walkthrough.";
        }
    }
}
