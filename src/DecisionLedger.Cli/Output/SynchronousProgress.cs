namespace DecisionLedger.Cli.Output;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (no synchronization context to post to in a console).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
