using System.Globalization;

namespace DecisionLedger.Cli.Output;

/// <summary>Counts with their noun in the right number: "1 entry", "2 entries", "0 checkpoints".</summary>
internal static class Plural
{
    /// <summary>Formats <paramref name="count"/> followed by <paramref name="singular"/> when it is 1, else by its plural.</summary>
    /// <param name="count">The number.</param>
    /// <param name="singular">The noun for one, e.g. <c>entry</c>.</param>
    /// <param name="plural">The noun for any other count; default <paramref name="singular"/> + "s". Pass it for irregular nouns (<c>entries</c>).</param>
    /// <param name="format">A numeric format for the count, e.g. <c>N0</c>; default plain digits.</param>
    public static string Of(long count, string singular, string? plural = null, string? format = null) =>
        count.ToString(format, CultureInfo.InvariantCulture) + " " + Noun(count, singular, plural);

    /// <summary>The noun alone, in the number <paramref name="count"/> asks for.</summary>
    /// <param name="count">The number.</param>
    /// <param name="singular">The noun for one.</param>
    /// <param name="plural">The noun for any other count; default <paramref name="singular"/> + "s".</param>
    public static string Noun(long count, string singular, string? plural = null) =>
        count == 1 ? singular : plural ?? singular + "s";

    /// <summary>"1 entry" / "N entries".</summary>
    public static string Entries(long count) => Of(count, "entry", "entries");
}
