namespace DecisionLedger.Recording;

/// <summary>
/// The short wait of a small batch for company (<see cref="LedgerOptions.CommitLinger"/>), so
/// that below saturation decisions share a transaction and an fsync instead of paying one each.
/// It is adaptive: after a window that brought no company (a caller awaiting each receipt in
/// turn) lingering pauses, and is tried again after <see cref="ProbeInterval"/>. A flush, an
/// event or shutdown cuts a window short (<see cref="Interrupt"/>).
/// </summary>
internal sealed class CommitLinger
{
    /// <summary>How long lingering stays off after a window that brought nothing.</summary>
    internal static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _window;
    private TaskCompletionSource? _current;
    private int _interrupted;
    private bool _useful = true;
    private long _probeAt;

    public CommitLinger(TimeSpan window)
    {
        _window = window;
    }

    /// <summary>Whether a batch of this kind should linger now.</summary>
    /// <param name="queueDrained">The queue was empty when the batch was taken (no load waiting behind it).</param>
    /// <param name="urgent">The batch holds a flush, an event or a tick: it must not wait.</param>
    public bool ShouldWait(bool queueDrained, bool urgent)
    {
        if (_window <= TimeSpan.Zero || !queueDrained || urgent)
        {
            return false;
        }

        // Real time, not the injected clock: this is a performance window, not a business timer.
        return _useful || Environment.TickCount64 >= _probeAt;
    }

    /// <summary>Waits the window, or less when interrupted.</summary>
    public async Task WaitAsync()
    {
        var current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _current, current);
        if (Interlocked.Exchange(ref _interrupted, 0) == 1)
        {
            return;
        }

        using var delay = new CancellationTokenSource();
        Task completed = await Task.WhenAny(current.Task, Task.Delay(_window, delay.Token)).ConfigureAwait(false);
        if (completed == current.Task)
        {
            await delay.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Records whether the window brought company, to decide the next ones.</summary>
    public void Observe(int gained)
    {
        _useful = gained > 0;
        if (!_useful)
        {
            _probeAt = Environment.TickCount64 + (long)ProbeInterval.TotalMilliseconds;
        }
    }

    /// <summary>Ends the current window at once (or the next, if none is open yet).</summary>
    public void Interrupt()
    {
        Interlocked.Exchange(ref _interrupted, 1);
        Volatile.Read(ref _current)?.TrySetResult();
    }
}
