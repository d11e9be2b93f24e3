using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server;

/// <summary>
/// The collector's log levels. Quiet by default: ASP.NET Core's per-request lines (request starting/finished,
/// endpoint executing/executed, result written: about six per request) and the recorder's checkpoint line
/// (one per group commit) are at Information, so the defaults keep those categories at Warning; the hosting
/// lifetime lines (once at start and stop) and the collector's own events stay at Information. Configuration
/// (<c>appsettings.json</c>, <c>Logging__LogLevel__Default=Information</c> and the like) overrides them.
/// </summary>
public static class CollectorLogging
{
    /// <summary>The categories held at Warning by default, each of which logs at Information per request or per commit.</summary>
    public static IReadOnlyList<string> ChattyCategories { get; } = ["Microsoft.AspNetCore", "DecisionLedger.Recording.DecisionRecorder"];

    /// <summary>The default levels, as configuration keys (<c>Logging:LogLevel:CATEGORY</c>).</summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = nameof(LogLevel.Information),
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = nameof(LogLevel.Information),
        ["Logging:LogLevel:Microsoft.AspNetCore"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:DecisionLedger.Recording.DecisionRecorder"] = nameof(LogLevel.Warning),
    };

    /// <summary>Every category at <paramref name="level"/> (what <c>dledger serve --log-level</c> sets), as configuration keys.</summary>
    /// <param name="level">The least severe level written.</param>
    public static IReadOnlyDictionary<string, string?> All(LogLevel level)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = level.ToString() };
        foreach (string category in ChattyCategories.Append("Microsoft.Hosting.Lifetime"))
        {
            settings["Logging:LogLevel:" + category] = level.ToString();
        }

        return settings;
    }
}
