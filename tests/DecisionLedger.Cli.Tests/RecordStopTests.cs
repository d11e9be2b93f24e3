using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>Stopping <c>record</c> (SIGTERM, Ctrl-C) leaves every committed entry covered by a signed checkpoint.</summary>
public sealed class RecordStopTests
{
    [Fact]
    public async Task Record_StoppedWhileInputStaysOpen_SignsAFinalCheckpointOverEveryCommittedEntry()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);

        // A producer that sent 30 lines and keeps its pipe open; a clock that never moves, so no
        // periodic checkpoint falls due and only the final one can cover the entries.
        using var input = new OpenEndedInput(Encoding.UTF8.GetBytes(Some.DecisionLines(30)));
        var stdout = new CountingWriter(30);
        var stderr = new StringWriter();
        var environment = new CliEnvironment(stdout, stderr, () => input, IsTerminal: false, new FrozenTime());
        using var stop = new CancellationTokenSource();
        Task<int> running = CliApplication.RunAsync(["record", "-", "--ledger", temp.Ledger], environment, stop.Token);

        await stdout.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        int code = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 3, $"exit {code}: {stderr}");
        Assert.Contains("stopped before the end of the input", stderr.ToString(), StringComparison.Ordinal);
        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--json", "--ledger", temp.Ledger);
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        using JsonDocument json = JsonDocument.Parse(checkpoint.Out);
        Assert.Equal(30, json.RootElement.GetProperty("treeSize").GetInt64());
        Assert.Equal(0, (await CliRun.RunAsync("verify", "--ledger", temp.Ledger)).ExitCode);
    }

    /// <summary>Standard input that delivers its bytes, then waits for more until cancelled, as an open pipe does.</summary>
    private sealed class OpenEndedInput(byte[] data) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await base.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Captures output and signals once <paramref name="lines"/> lines were written.</summary>
    private sealed class CountingWriter(int lines) : StringWriter
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _written;

        public Task Reached => _reached.Task;

        public override Task WriteLineAsync(string? value)
        {
            base.WriteLine(value);
            if (Interlocked.Increment(ref _written) >= lines)
            {
                _reached.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A clock that never moves and timers that never fire.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        private readonly DateTimeOffset _now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => default;
        }
    }
}
