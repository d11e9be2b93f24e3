using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Builds the JSON paths that <see cref="DecisionValidationException.Path"/> reports: <c>model.version</c>, <c>input.items[2]</c>, <c>input['a b']</c>.</summary>
/// <remarks>Paths are built only when an error is reported, so the hot path never allocates them.</remarks>
internal static class JsonPaths
{
    /// <summary>The path of the whole document.</summary>
    public const string Root = "$";

    // Names come from untrusted input; a megabyte-long key must not make a megabyte-long message.
    private const int MaxNameInPath = 100;

    // How much of a very deep path Shortened keeps: enough of the start to find the field, enough of the end to see the shape.
    private const int KeptHeadSegments = 6;
    private const int KeptTailSegments = 3;

    public static string Child(string parent, string name)
    {
        var builder = new StringBuilder(parent.Length + name.Length + 4);
        if (parent != Root)
        {
            builder.Append(parent);
        }

        AppendName(builder, name, first: parent == Root);
        return builder.ToString();
    }

    /// <summary>
    /// The path of <paramref name="property"/> under <paramref name="parent"/>, safe for any name the JSON reader
    /// let through: a name that is not valid Unicode is shown from its raw bytes (invalid UTF-8 as U+FFFD,
    /// escapes as sent) instead of throwing while the error about it is being built.
    /// </summary>
    public static string Member(string parent, JsonProperty property)
    {
        string name;
        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            name = Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(property));
        }

        return Child(parent, name);
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>
    /// Joins path fragments (<c>.name</c>, <c>['a b']</c>, <c>[3]</c>) into a path, keeping the first
    /// <see cref="KeptHeadSegments"/> and the last <see cref="KeptTailSegments"/> with <c>…</c> between
    /// them when there are more: a 200-level path would drown the error it belongs to.
    /// </summary>
    /// <returns>The path, or <see cref="Root"/> when there are no fragments.</returns>
    public static string Shortened(IReadOnlyList<string> segments)
    {
        if (segments.Count == 0)
        {
            return Root;
        }

        var builder = new StringBuilder();
        if (segments.Count <= KeptHeadSegments + KeptTailSegments + 1)
        {
            foreach (var segment in segments)
            {
                builder.Append(segment);
            }
        }
        else
        {
            for (var i = 0; i < KeptHeadSegments; i++)
            {
                builder.Append(segments[i]);
            }

            builder.Append('…');
            for (var i = segments.Count - KeptTailSegments; i < segments.Count; i++)
            {
                builder.Append(segments[i]);
            }
        }

        return builder[0] == '.' ? builder.ToString(1, builder.Length - 1) : builder.ToString();
    }

    public static void AppendName(StringBuilder builder, string name, bool first)
    {
        var shown = name.Length > MaxNameInPath ? string.Concat(name.AsSpan(0, MaxNameInPath), "…") : name;
        if (IsPlain(name))
        {
            if (!first)
            {
                builder.Append('.');
            }

            builder.Append(shown);
        }
        else
        {
            // Control, bidi and surrogate characters are shown as \uXXXX: a path must not carry what its error complains about.
            builder.Append("['").Append(TextRules.Printable(shown.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal))).Append("']");
        }
    }

    private static bool IsPlain(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }
}
