using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Testing;

/// <summary>
/// Keeps every log message, at every level, with its category, event id and exception, so a test can
/// assert what was logged (an event id was written once) and what was not (a secret never appears).
/// </summary>
/// <remarks>
/// Add it to a host with <c>builder.Logging.AddProvider(provider)</c>, or pass it where an
/// <see cref="ILoggerFactory"/> is taken, such as <c>DecisionRecorder.StartAsync(..., loggerFactory: provider)</c>.
/// Safe to log to from many threads. Scopes are not recorded.
/// </remarks>
public sealed class ListLoggerProvider : ILoggerProvider, ILoggerFactory
{
    /// <summary>Every message logged so far, in the order logged.</summary>
    public ConcurrentQueue<LoggedMessage> Entries { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    /// <summary>Does nothing: this provider is the only one its factory face serves.</summary>
    /// <param name="provider">Ignored.</param>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <summary>Does nothing: the messages stay readable after the host that logged them is gone.</summary>
    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue(new LoggedMessage(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
