using System.Text.Json;
using DecisionLedger.Storage;
using DecisionLedger.Timestamping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Cli.Tests.Timestamping;

/// <summary>RFC 3161 time stamps of checkpoints, against a real TSA (OpenSSL's <c>ts -reply</c>), end to end through the bundle and <c>verify --tsa-roots</c>.</summary>
public sealed class TimestampingTests : IDisposable
{
    private readonly TempLedger _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task VerifyBundle_WithTsaRoots_PassesOffline_AndPrintsTheAttestedTime()
    {
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "acme-tsa");
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        using var logs = new ListLoggerProvider();
        await using (CheckpointTimestamper stamper = Stamper(ledger, "acme-tsa", tsa.Url, logs))
        {
            Assert.Equal(1, await stamper.StampLatestAsync());
        }

        string bundle = await ledger.ExportAsync("bundle");

        Assert.True(File.Exists(Path.Combine(bundle, "timestamps", "acme-tsa.tst")));
        using (JsonDocument manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(bundle, "manifest.json"))))
        {
            Assert.Equal("acme-tsa", manifest.RootElement.GetProperty("timestamps")[0].GetString());
        }

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--tsa-roots", tsa.RootPemPath, "--ledger", Path.Combine(_scratch.Root, "nowhere"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("time-stamped: ", result.Out, StringComparison.Ordinal);
        Assert.Contains("by 'acme-tsa' (CN=acme-tsa TSA, policy 1.2.3.4.1", result.Out, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("time-stamped by acme-tsa", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyBundle_TokenFromUntrustedTsaRoot_Fails()
    {
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "acme-tsa");
        await using var stranger = new OpenSslTsa(Path.Combine(_scratch.Root, "stranger"), "stranger");
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        await using (CheckpointTimestamper stamper = Stamper(ledger, "acme-tsa", tsa.Url))
        {
            Assert.Equal(1, await stamper.StampLatestAsync());
        }

        string bundle = await ledger.ExportAsync("bundle");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--tsa-roots", stranger.RootPemPath);

        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        Assert.StartsWith("FAILED", result.Out, StringComparison.Ordinal);
        Assert.Contains("timestamps/acme-tsa.tst (untrusted)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_TokenOverAnotherCheckpoint_Fails()
    {
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "acme-tsa");
        await using TimestampedLedger stamped = await TimestampedLedger.CreateAsync();
        await using TimestampedLedger other = await TimestampedLedger.CreateAsync(count: 3);
        await using (CheckpointTimestamper stamper = Stamper(stamped, "acme-tsa", tsa.Url))
        {
            Assert.Equal(1, await stamper.StampLatestAsync());
        }

        string stampedBundle = await stamped.ExportAsync("stamped");
        string bundle = await other.ExportAsync("other");
        Directory.CreateDirectory(Path.Combine(bundle, "timestamps"));
        File.Copy(Path.Combine(stampedBundle, "timestamps", "acme-tsa.tst"), Path.Combine(bundle, "timestamps", "acme-tsa.tst"));

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", other.Key, "--tsa-roots", tsa.RootPemPath, "--json");

        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.Out);
        Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        string problem = report.RootElement.GetProperty("attestations").GetProperty("problems")[0].GetString()!;
        Assert.Contains("(hash-mismatch)", problem, StringComparison.Ordinal);
        Assert.Contains("not over this checkpoint", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_TsaRootsButNoToken_Fails()
    {
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "acme-tsa");
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        string bundle = await ledger.ExportAsync("bundle");

        CliResult plain = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key);
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--tsa-roots", tsa.RootPemPath);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        Assert.Contains("carries no time-stamp token", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Garbage", "not an RFC 3161 TimeStampResp")]
    [InlineData("OtherHash", "sent a token over another hash")]
    public async Task Stamp_BadAnswer_IsLoggedCountedAndNotStored(string answer, string reason)
    {
        OpenSslTsa.Behaviour behaviour = Enum.Parse<OpenSslTsa.Behaviour>(answer);
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "liar") { Mode = behaviour };
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        string name = "liar-" + behaviour.ToString().ToLowerInvariant();
        using var metrics = new TsaMetrics(name);
        using var logs = new ListLoggerProvider();
        await using (CheckpointTimestamper stamper = Stamper(ledger, name, tsa.Url, logs))
        {
            Assert.Equal(0, await stamper.StampLatestAsync());
        }

        Assert.Contains("bad_response", metrics.Outcomes);
        // The round, then the stop's last attempt: each failure is logged naming the authority and the reason.
        LoggedMessage[] errors = [.. logs.Entries.Where(e => e.Level == LogLevel.Error && e.Message.Contains(name, StringComparison.Ordinal))];
        Assert.NotEmpty(errors);
        Assert.All(errors, error => Assert.Contains(reason, error.Message, StringComparison.Ordinal));
        Assert.Empty(await ledger.Store.ReadAttestationsAsync((await ledger.LatestAsync()).TreeSize));
    }

    [Fact]
    public async Task HostedRecorder_TsaUnreachable_LogsTheTsaAndReason_CountsIt_AndKeepsRecording()
    {
        using var metrics = new TsaMetrics("down-tsa");
        using var logs = new ListLoggerProvider();
        string path = Path.Combine(_scratch.Root, "hosted");
        Microsoft.Extensions.Hosting.HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddDecisionLedger(o => o.Timestamping.Authorities.Add(new TimestampAuthority { Name = "down-tsa", Url = OpenSslTsa.DeadUrl() }))
            .UseSqlite(path);
        using (Microsoft.Extensions.Hosting.IHost host = builder.Build())
        {
            await host.StartAsync();
            var recorder = host.Services.GetRequiredService<Recording.IDecisionRecorder>();
            Recording.RecordReceipt first = await recorder.RecordAsync(Some.Decision(1));
            Recording.RecordReceipt second = await recorder.RecordAsync(Some.Decision(2));
            Assert.Equal(first.Seq + 1, second.Seq);
            await host.StopAsync();
        }

        // Stopping signs the final checkpoint and gives it one last attempt, so the failure is certain by now.
        Assert.Contains("unreachable", metrics.Outcomes);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.EventId == 5302
            && e.Message.Contains("down-tsa", StringComparison.Ordinal) && e.Message.Contains("is unreachable", StringComparison.Ordinal));
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", path);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Stamper_TsaAnswering503_RetriesWithBackoff_UntilItRecovers()
    {
        await using var tsa = new OpenSslTsa(Path.Combine(_scratch.Root, "tsa"), "flaky") { Mode = OpenSslTsa.Behaviour.Unavailable };
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        using var metrics = new TsaMetrics("flaky");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options("flaky", tsa.Url);
        options.RetryInitialDelay = TimeSpan.FromSeconds(30);
        options.PollInterval = TimeSpan.FromMinutes(5);
        await using var stamper = new CheckpointTimestamper(ledger.Store, ledger.Store, options, time);

        stamper.Start();
        await metrics.Seen("http_error").WaitAsync(TimeSpan.FromSeconds(30));
        tsa.Mode = OpenSslTsa.Behaviour.Honest;
        Task recovered = metrics.Seen("success");
        for (int i = 0; i < 200 && !recovered.IsCompleted; i++)
        {
            // The retry is due 30 s after the failure on the fake clock; advancing until it fires keeps the test off the wall clock.
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(recovered, Task.Delay(50));
        }

        await recovered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("http_error", metrics.Outcomes.First());
        CheckpointAttestation token = Assert.Single(await ledger.Store.ReadAttestationsAsync((await ledger.LatestAsync()).TreeSize));
        Assert.Equal(CheckpointAttestationKind.Timestamp, token.Kind);
        Assert.Equal("flaky", token.Source);
    }

    [Fact]
    public void Options_BadAuthority_NameTheField()
    {
        var options = new TimestampingOptions();
        options.Authorities.Add(new TimestampAuthority { Name = "ok", Url = new Uri("https://tsa.example/tsr") });
        options.Authorities.Add(new TimestampAuthority { Name = "second", Url = new Uri("ftp://tsa.example/") });

        ArgumentException error = Assert.Throws<ArgumentException>(() => options.Validate("DecisionLedgerOptions.Timestamping"));

        Assert.StartsWith("DecisionLedgerOptions.Timestamping.Authorities[1].Url: 'ftp://tsa.example/' is not an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MalformedTsa_IsBadUsageNamingTheOption()
    {
        await TimestampedLedger.Ok("init", "--origin", "test.example/tsa", "--ledger", _scratch.Ledger);

        CliResult result = await CliRun.RunAsync("serve", "--ledger", _scratch.Ledger, "--urls", "http://127.0.0.1:0", "--tsa", "no-url-here");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--tsa: 'no-url-here' is not NAME=URL", result.Error, StringComparison.Ordinal);
    }

    private static TimestampingOptions Options(string name, Uri url)
    {
        var options = new TimestampingOptions();
        options.Authorities.Add(new TimestampAuthority { Name = name, Url = url });
        return options;
    }

    private static CheckpointTimestamper Stamper(TimestampedLedger ledger, string name, Uri url, ILoggerFactory? logs = null) =>
        new(ledger.Store, ledger.Store, Options(name, url), loggerFactory: logs);
}
