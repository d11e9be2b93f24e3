using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>
/// Explains why <see cref="JsonElement.Parse(ReadOnlySpan{byte}, JsonDocumentOptions)"/> refused a
/// payload: malformed JSON (with line and byte), nesting too deep, or a duplicate property (with its path).
/// </summary>
/// <remarks>
/// System.Text.Json reports depth and syntax errors with the same exception type and duplicates with
/// no position at all. Rather than match its (localizable) messages, this re-reads the payload once
/// with a plain <see cref="Utf8JsonReader"/> and finds the first problem in document order. It runs
/// only after a failure, so the accepting path pays nothing for it.
/// </remarks>
internal static class JsonProblemLocator
{
    public static DecisionValidationException Locate(ReadOnlySpan<byte> utf8Json, int maxDepth, JsonException original)
    {
        // Unbounded depth so the reader itself never throws for depth: we want to say which limit was hit.
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        var frames = new List<Frame>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = ReadName(ref reader);
                        var names = frames[^1].Names!;
                        if (!names.Add(pendingName))
                        {
                            return new DecisionValidationException(
                                PathOf(frames, pendingName),
                                "duplicate property",
                                "send each property once; duplicates are ambiguous because parsers disagree on which one wins");
                        }

                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var segment = SegmentFor(frames, pendingName);
                        if (frames.Count + 1 > maxDepth)
                        {
                            return DepthExceeded(frames, segment, maxDepth);
                        }

                        frames.Add(new Frame(segment, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        pendingName = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        pendingName = null;
                        break;
                    default:
                        SegmentFor(frames, pendingName);
                        pendingName = null;
                        break;
                }
            }
        }
        catch (JsonException malformed)
        {
            return Malformed(malformed);
        }

        // Not reached for the failures JsonElement.Parse reports, but never lose the original reason.
        return Malformed(original);
    }

    // Names the value that opens the first level over the limit, so the caller can find it: a client that
    // sent one too-deep feature learns which one, not just that "$" is too deep.
    private static DecisionValidationException DepthExceeded(List<Frame> frames, string? segment, int maxDepth)
    {
        var segments = new List<string>(frames.Count + 1);
        foreach (var frame in frames)
        {
            if (frame.Segment is not null)
            {
                segments.Add(frame.Segment);
            }
        }

        if (segment is not null)
        {
            segments.Add(segment);
        }

        return new DecisionValidationException(
            JsonPaths.Shortened(segments),
            string.Create(CultureInfo.InvariantCulture, $"nested deeper than {maxDepth} levels: this value opens level {frames.Count + 1}"),
            "flatten the decision or raise DecisionLimits.MaxDepth");
    }

    public static DecisionValidationException Malformed(JsonException exception)
    {
        var reason = exception.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason[..cut];
        }

        var where = exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {position + 1}")
            : string.Empty;
        return new DecisionValidationException(
            JsonPaths.Root,
            $"malformed JSON{where} ({reason.TrimEnd('.')})",
            "send one well-formed JSON object (RFC 8259: no comments, no trailing commas)");
    }

    private static string ReadName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate: compare the raw bytes instead; the validator rejects it later.
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    // Returns the path fragment (".name", "['a b']" or "[3]") of the value about to be read,
    // advancing the parent array's index.
    private static string? SegmentFor(List<Frame> frames, string? pendingName)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        var parent = frames[^1];
        if (parent.Names is null)
        {
            return "[" + (parent.NextIndex++).ToString(CultureInfo.InvariantCulture) + "]";
        }

        return pendingName is null ? null : NameFragment(pendingName);
    }

    private static string NameFragment(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        JsonPaths.AppendName(builder, name, first: false);
        return builder.ToString();
    }

    private static string PathOf(List<Frame> frames, string leafName)
    {
        var builder = new StringBuilder();
        foreach (var frame in frames)
        {
            builder.Append(frame.Segment);
        }

        builder.Append(NameFragment(leafName));
        return builder[0] == '.' ? builder.ToString(1, builder.Length - 1) : builder.ToString();
    }

    private sealed class Frame(string? segment, HashSet<string>? names)
    {
        public string? Segment { get; } = segment;

        public HashSet<string>? Names { get; } = names;

        public int NextIndex { get; set; }
    }
}
