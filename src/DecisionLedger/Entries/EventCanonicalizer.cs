using System.Globalization;
using System.Text.Json;
using DecisionLedger.Archiving;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;
using DecisionLedger.Replay;

namespace DecisionLedger.Entries;

/// <summary>
/// Converts ledger event entries to and from their canonical bytes (RFC 8785), e.g.
/// <c>{"event":{"decisionsErased":3,"reason":"…","requestedBy":"…","subjectId":"…"},"kind":"erasure","requestId":"…","seq":7,"timestamp":"…Z","v":1}</c>;
/// in v2 the erasure names <c>subjectRef</c> instead, and two kinds join it: <c>format</c> (<c>{"version":2}</c>)
/// and <c>heads</c> (<c>{"keys":n,"root":"&lt;base64&gt;"}</c>).
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
    /// <exception cref="ArgumentException">The seq is outside 0…2^53, the request id is empty, the timestamp is finer than a microsecond, or the version does not fit the event (1 for a v1 erasure, 2 otherwise).</exception>
    public static byte[] ToCanonicalBytes(EventEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.V != entry.Event.Version)
        {
            throw new ArgumentException($"v: {entry.V} does not fit a '{entry.Event.Kind}' event, which is written in version {entry.Event.Version}.", nameof(entry));
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

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("event");
            WriteBody(writer, entry.Event);
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

    private static void WriteBody(Utf8JsonWriter writer, LedgerEvent ledgerEvent)
    {
        switch (ledgerEvent.Kind)
        {
            case LedgerEvent.ErasureKind:
                ErasureEvent erasure = ledgerEvent.Erasure!;
                writer.WriteNumber("decisionsErased", erasure.DecisionsErased);
                writer.WriteString("reason", erasure.Reason);
                writer.WriteString("requestedBy", erasure.RequestedBy);
                if (erasure.SubjectRef is { } subjectRef)
                {
                    writer.WriteString("subjectRef", subjectRef);
                }
                else
                {
                    writer.WriteString("subjectId", erasure.SubjectId);
                }

                break;
            case LedgerEvent.ArchivedKind:
                ArchivedEventJson.WriteBody(writer, ledgerEvent.Archived!);
                break;
            case LedgerEvent.ArchiveRewriteKind:
                ledgerEvent.ArchiveRewrite!.WriteBody(writer);
                break;
            case LedgerEvent.ReplayKind:
                ledgerEvent.Replay!.WriteBody(writer);
                break;
            case LedgerEvent.InputRetentionKind:
                ledgerEvent.InputRetention!.WriteBody(writer);
                break;
            case LedgerEvent.HeadsKind:
                writer.WriteNumber("keys", ledgerEvent.HeadsKeys!.Value);
                writer.WriteString("root", ledgerEvent.HeadsRoot!.Value.ToBase64());
                break;
            case LedgerEvent.ImportKind:
                ledgerEvent.Import!.WriteBody(writer);
                break;
            case LedgerEvent.ArchiveExpiryKind:
                ledgerEvent.ArchiveExpiry!.WriteBody(writer);
                break;
            default:
                writer.WriteNumber("version", ledgerEvent.FormatVersion!.Value);
                break;
        }
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
    /// <exception cref="FormatException">The bytes are not an event entry this build reads (erasure v1 or v2, heads, format) in canonical form; the message names the member.</exception>
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

            RequireMembers(root, "entry", "an event entry", "event", "kind", "requestId", "seq", "timestamp", "v");
            string kind = String(root, "kind");
            int v = root.GetProperty("v").TryGetInt32(out int version) ? version : -1;
            if (v is not (LedgerEntry.CurrentVersion or LedgerEntry.Version2))
            {
                throw new FormatException($"v: {root.GetProperty("v").GetRawText()} is not a version this build reads ({LedgerEntry.CurrentVersion} or {LedgerEntry.Version2}).");
            }

            JsonElement body = root.GetProperty("event");
            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event: must be a JSON object.");
            }

            LedgerEvent ledgerEvent = kind switch
            {
                LedgerEvent.ErasureKind => ReadErasure(body, v),
                LedgerEvent.HeadsKind => ReadHeads(body),
                LedgerEvent.FormatKind => ReadFormat(body),
                LedgerEvent.ArchivedKind => LedgerEvent.ForArchived(ArchivedEventJson.ReadBody(body), v),
                LedgerEvent.ArchiveRewriteKind => LedgerEvent.ForArchiveRewrite(ArchiveRewriteEvent.ReadBody(body), v),
                LedgerEvent.ImportKind => LedgerEvent.ForImport(Importing.ImportEvent.ReadBody(body), v),
                LedgerEvent.ReplayKind => LedgerEvent.ForReplay(ReplayEvent.ReadBody(body), v),
                LedgerEvent.InputRetentionKind => LedgerEvent.ForInputRetention(Retention.InputRetentionEvent.ReadBody(body), v),
                LedgerEvent.ArchiveExpiryKind => LedgerEvent.ForArchiveExpiry(Retention.ArchiveExpiryEvent.ReadBody(body), v),
                _ => throw new FormatException($"kind: '{kind}' is not an event kind this build reads ('{LedgerEvent.ErasureKind}', '{LedgerEvent.FormatKind}', '{LedgerEvent.HeadsKind}', '{LedgerEvent.ArchivedKind}', '{LedgerEvent.ArchiveRewriteKind}', '{LedgerEvent.ImportKind}', '{LedgerEvent.ReplayKind}', '{LedgerEvent.InputRetentionKind}', '{LedgerEvent.ArchiveExpiryKind}'); upgrade the reader."),
            };

            if (ledgerEvent.Version != v)
            {
                throw new FormatException($"v: {v} does not fit this '{kind}' event; it is written in version {ledgerEvent.Version}.");
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

            entry = new EventEntry(seq, String(root, "requestId"), ts, ledgerEvent);
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

    // v1 names the subject by id, v2 by ref: the version decides which member the event must have.
    private static LedgerEvent ReadErasure(JsonElement body, int v)
    {
        string subjectMember = v == LedgerEntry.Version2 ? "subjectRef" : "subjectId";
        RequireMembers(body, "event", $"a v{v} erasure event", "decisionsErased", "reason", "requestedBy", subjectMember);
        if (!body.GetProperty("decisionsErased").TryGetInt64(out long erased))
        {
            throw new FormatException("event.decisionsErased: must be an integer.");
        }

        ErasureEvent erasure = v == LedgerEntry.Version2
            ? new ErasureEvent(string.Empty, erased, String(body, "reason"), String(body, "requestedBy")) { SubjectRef = String(body, "subjectRef") }
            : new ErasureEvent(String(body, "subjectId"), erased, String(body, "reason"), String(body, "requestedBy"));
        return LedgerEvent.ForErasure(erasure);
    }

    private static LedgerEvent ReadHeads(JsonElement body)
    {
        RequireMembers(body, "event", "a heads event", "keys", "root");
        if (!body.GetProperty("keys").TryGetInt64(out long keys) || keys < 0)
        {
            throw new FormatException($"event.keys: {body.GetProperty("keys").GetRawText()} is not the number of keys in the heads map (an integer, 0 or more).");
        }

        string root = String(body, "root");
        Sha256Hash hash;
        try
        {
            hash = Sha256Hash.FromBase64(root);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"event.root: '{root}' is not the standard base64 of 32 bytes ({exception.Message}).", exception);
        }

        return LedgerEvent.ForHeads(hash, keys);
    }

    private static LedgerEvent ReadFormat(JsonElement body)
    {
        RequireMembers(body, "event", "a format event", "version");
        if (!body.GetProperty("version").TryGetInt32(out int version) || version != LedgerEntry.Version2)
        {
            throw new FormatException($"event.version: {body.GetProperty("version").GetRawText()} is not a format a ledger can switch to (only {LedgerEntry.Version2}).");
        }

        return LedgerEvent.ForFormat(version);
    }

    private static void RequireMembers(JsonElement element, string path, string what, params string[] names)
    {
        int count = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            count++;
            if (Array.IndexOf(names, property.Name) < 0)
            {
                throw new FormatException($"{path}.{property.Name}: unknown member; {what} has only {string.Join(", ", names)}.");
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
