using Microsoft.Extensions.Logging;

namespace DecisionLedger.Testing;

/// <summary>One message a <see cref="ListLoggerProvider"/> kept.</summary>
/// <param name="Category">The logger's category, usually the full name of the logging type.</param>
/// <param name="Level">The level it was logged at.</param>
/// <param name="EventId">The event id (0 when none was given).</param>
/// <param name="Message">The formatted message, without the exception.</param>
/// <param name="Exception">The exception logged with it, or null.</param>
public sealed record LoggedMessage(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)
{
    /// <summary>The whole line as a console logger would show it, exception included, for searching everything that was written.</summary>
    /// <returns>Level, category, message and the exception's text.</returns>
    public override string ToString() => $"{Level} {Category} {Message} {Exception}";
}
