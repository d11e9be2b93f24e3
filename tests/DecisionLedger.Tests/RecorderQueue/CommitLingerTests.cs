using DecisionLedger.Recording;

namespace DecisionLedger.Tests.RecorderQueue;

/// <summary>
/// The commit linger's window is cut short by an interrupt (a flush, an event, shutdown). The
/// window here is an hour, so a wait that was not cut short cannot pass within the test's bound.
/// </summary>
public sealed class CommitLingerTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Interrupt_DuringTheWindow_EndsTheWaitAtOnce()
    {
        var linger = new CommitLinger(Hour);
        Task waiting = linger.WaitAsync();
        Assert.False(waiting.IsCompleted);

        linger.Interrupt();

        await waiting.WaitAsync(Bound);
    }

    [Fact]
    public async Task Interrupt_BeforeTheWindowOpens_EndsTheNextWaitAtOnce()
    {
        var linger = new CommitLinger(Hour);

        linger.Interrupt();

        await linger.WaitAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Interrupt_IsUsedOnce_TheWindowAfterItLingersAgain()
    {
        var linger = new CommitLinger(Hour);
        linger.Interrupt();
        await linger.WaitAsync().WaitAsync(Bound);

        Task second = linger.WaitAsync();
        await Task.Yield();

        Assert.False(second.IsCompleted);
        linger.Interrupt();
        await second.WaitAsync(Bound);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    public void ShouldWait_OnlyForADrainedQueueAndNoUrgentWork(bool queueDrained, bool urgent, bool expected)
    {
        Assert.Equal(expected, new CommitLinger(Hour).ShouldWait(queueDrained, urgent));
        Assert.False(new CommitLinger(TimeSpan.Zero).ShouldWait(queueDrained, urgent));
    }
}
