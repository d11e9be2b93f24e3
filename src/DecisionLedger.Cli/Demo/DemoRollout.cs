using System.Globalization;

namespace DecisionLedger.Cli.Demo;

/// <summary>A model version of the demo and the day of its chapter from which it serves.</summary>
/// <param name="Version">The model version, e.g. <c>3.1.0</c>.</param>
/// <param name="FromDay">Days after the chapter's start when it takes over.</param>
internal sealed record DemoRollout(string Version, double FromDay)
{
    /// <summary>The preprocessing pipeline that ships with the version: <c>prep-</c> minor + 5 (3.0 → prep-5, 3.2 → prep-7).</summary>
    public string Pipeline => Version.Split('.') is [_, var minor, ..] && int.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m < int.MaxValue - 5
        ? string.Create(CultureInfo.InvariantCulture, $"prep-{m + 5}")
        : "prep-1";
}
