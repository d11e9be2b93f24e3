using System.Globalization;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Entries;

/// <summary>
/// Converts ledger event entries to and from their canonical bytes (RFC 8785), e.g.
/// <c>{"event":{"decisionsErased":3,"reason":"…","requestedBy":"…","subjectId":"…"},"kind":"erasure","requestId":"…","seq":7,"timestamp":"…Z","v":1}</c>.
/// </summary>
/// <remarks>
/// Decision entries have no <c>kind</c> member, so <see cref="IsEvent"/> tells the two apart and
/// every decision entry keeps exactly the bytes it had before events existed. Events are rare, so
/// they are written through <see cref="Utf8JsonWriter"/> and the generic canonicalizer rather
/// than a hand-ordered writer.
/// </remarks>
internal static class EventCanonicalizer
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private const long MaxSeq = 1L << 53;

    /// <summary>Returns the canonical bytes of <paramref name="entry"/>.</summary>
    /// <param name="entry">The event entry.</param>
    /// <returns>The UTF-8 canonical JSON the leaf hash covers.</returns>
    /// <exception cref="ArgumentException">The seq is outside 0…2^53, the request id is empty, the timestamp is finer than a microsecond, or the version is not 1.</exception>
    public static byte[] ToCanonicalBytes(EventEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.V != LedgerEntry.CurrentVersion)
        {
            throw new ArgumentException($"v: {entry.V} is not supported; this build writes version {LedgerEntry.CurrentVersion}.", nameof(entry));
        }

        if (entry.Seq is < 0 or > MaxSeq)
        {
            throw new ArgumentException($"seq: {entry.Seq} is outside 0…2^53.", nameof(entry));
        }

        if (string.IsNullOrEmpty(entry.RequestId))
        {
            throw new ArgumentException("requestId: required; a non-empty string.", nameof(entry));
        }

        DateTimeOffset utc = entry.Timestamp.ToUniversalTime();
        if (utc.Ticks % 10 != 0)
        {
            throw new ArgumentException("timestamp: finer than a microsecond; truncate it to whole microseconds.", nameof(entry));
        }

        ErasureEvent erasure = entry.Event.Erasure;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("event");
            writer.WriteNumber("decisionsErased", erasure.DecisionsErased);
            writer.WriteString("reason", erasure.Reason);
            writer.WriteString("requestedBy", erasure.RequestedBy);
            writer.WriteString("subjectId", erasure.SubjectId);
            writer.WriteEndObject();
            writer.WriteString("kind", entry.Event.Kind);
            writer.WriteString("requestId", entry.RequestId);
            writer.WriteNumber("seq", entry.Seq);
            writer.WriteString("timestamp", utc.ToString(TimestampFormat, CultureInfo.InvariantCulture));
            writer.WriteNumber("v", entry.V);
            writer.WriteEndObject();
        }

        return JsonCanonicalizer.Canonicalize(buffer.WrittenSpan);
    }

    /// <summary>Whether <paramref name="canonicalBytes"/> is an event entry (its top-level object has a <c>kind</c> member).</summary>
    /// <param name="canonicalBytes">One entry's bytes.</param>
    /// <returns>True for an event entry; false for a decision entry or bytes that are not a JSON object.</returns>
    public static bool IsEvent(ReadOnlySpan<byte> canonicalBytes)
    {
        try
        {
            var reader = new Utf8JsonReader(canonicalBytes, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kind"u8))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    /// <summary>Reads an event entry back and refuses bytes that are not exactly what <see cref="ToCanonicalBytes"/> writes for it.</summary>
    /// <param name="canonicalBytes">One event entry's canonical JSON.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="FormatException">The bytes are not an erasure event entry of version 1 in canonical form; the message names the member.</exception>
    public static EventEntry Parse(ReadOnlySpan<byte> canonicalBytes)
    {
        EventEntry entry;
        try
        {
            using JsonDocument document = JsonDocument.Parse(canonicalBytes.ToArray());
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("entry: not a JSON object.");
            }

            RequireMembers(root, "entry", "event", "kind", "requestId", "seq", "timestamp", "v");
            string kind = String(root, "kind");
            if (!string.Equals(kind, LedgerEvent.ErasureKind, StringComparison.Ordinal))
            {
                throw new FormatException($"kind: '{kind}' is not an event kind this build reads (only '{LedgerEvent.ErasureKind}'); upgrade the reader.");
            }

            int v = root.GetProperty("v").TryGetInt32(out int version) ? version : -1;
            if (v != LedgerEntry.CurrentVersion)
            {
                throw new FormatException($"v: {root.GetProperty("v").GetRawText()} is not a version this build reads ({LedgerEntry.CurrentVersion}).");
            }

            JsonElement body = root.GetProperty("event");
            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event: must be a JSON object.");
            }

            RequireMembers(body, "event", "decisionsErased", "reason", "requestedBy", "subjectId");
            if (!body.GetProperty("decisionsErased").TryGetInt64(out long erased))
            {
                throw new FormatException("event.decisionsErased: must be an integer.");
            }

            if (!root.GetProperty("seq").TryGetInt64(out long seq))
            {
                throw new FormatException("seq: must be an integer.");
            }

            string timestamp = String(root, "timestamp");
            if (!DateTimeOffset.TryParseExact(timestamp, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset ts))
            {
                throw new FormatException($"timestamp: '{timestamp}' is not YYYY-MM-DDTHH:MM:SS.ffffffZ.");
            }

            var erasure = new ErasureEvent(String(body, "subjectId"), erased, String(body, "reason"), String(body, "requestedBy"));
            entry = new EventEntry(seq, String(root, "requestId"), ts, LedgerEvent.ForErasure(erasure));
        }
        catch (JsonException exception)
        {
            throw new FormatException($"entry: not valid JSON ({exception.Message}).", exception);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException(exception.Message, exception);
        }

        if (!ToCanonicalBytes(entry).AsSpan().SequenceEqual(canonicalBytes))
        {
            throw new FormatException("entry: not in canonical form (RFC 8785); it is not the byte string that was hashed.");
        }

        return entry;
    }

    private static void RequireMembers(JsonElement element, string path, params string[] names)
    {
        int count = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            count++;
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; an erasure event has only {string.Join(", ", names)}.");
            }
        }

        foreach (string name in names)
        {
            if (!element.TryGetProperty(name, out _))
            {
                throw new FormatException($"{path}.{name}: required member is missing.");
            }
        }

        if (count != names.Length)
        {
            throw new FormatException($"{path}: a member is repeated.");
        }
    }

    private static string String(JsonElement element, string name)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{name}: must be a string.");
    }
}
