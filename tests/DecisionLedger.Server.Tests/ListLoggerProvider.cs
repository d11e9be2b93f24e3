using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Tests;

/// <summary>Collects every log message with its event id.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, string Message)> Messages { get; } = new();

    /// <summary>The same messages with their category and level.</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            provider.Messages.Enqueue((eventId.Id, message));
            provider.Entries.Enqueue((category, logLevel, message));
        }
    }
}
