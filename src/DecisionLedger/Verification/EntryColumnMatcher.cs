using System.Globalization;
using System.Text.Json;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Checks the columns a store copied out of an entry (request id, time, model, version, user,
/// tenant, subject, kind) against the entry's own bytes, during the one pass
/// <see cref="EntryFields"/>
/// makes over them, so the check adds no second parse to the hot loop of verification.
/// </summary>
/// <remarks>
/// The columns are what queries, reports and erasure search by: a column edited in the row (the
/// entry itself untouched, so every leaf still verifies) would make a query return a wrong answer
/// or <c>erase --subject</c> miss an entry. Column names in findings are the stores' SQL names.
/// The input fingerprint column is not derived from the entry (it is a keyed hash of the original
/// input), so it cannot be checked here. In a v2 entry the subject column holds the subject's ref
/// (<c>subject.ref</c>, or an erasure's <c>subjectRef</c>), never the clear id; heads and format
/// events have neither model nor subject, so those columns must be empty.
/// </remarks>
internal struct EntryColumnMatcher
{
    /// <summary>A timestamp column that could not be read as a time (out of range), as <see cref="StoredEntryRows"/> reports it.</summary>
    internal static readonly DateTimeOffset UnreadableTimestamp = DateTimeOffset.MinValue;

    private readonly EntryColumns _expected;
    private bool _sawModelName;
    private bool _sawModelVersion;
    private bool _sawUserId;
    private bool _sawTenant;
    private bool _sawSubject;
    private bool _sawKind;
    private bool _sawTimestamp;

    public EntryColumnMatcher(EntryColumns expected)
    {
        _expected = expected;
    }

    /// <summary>The first column found to differ from the entry, or null.</summary>
    public string? Mismatch { get; private set; }

    /// <summary>Consumes the value of the top-level property the reader is on, when it is one a column is derived from.</summary>
    /// <returns>True when the property was consumed (the reader is on the value's last token).</returns>
    public bool TryConsume(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("timestamp"u8))
        {
            reader.Read();
            _sawTimestamp = true;
            Check(reader.TokenType == JsonTokenType.String && TimestampEquals(ref reader), "ts");
            return true;
        }

        if (reader.ValueTextEquals("kind"u8))
        {
            reader.Read();
            _sawKind = true;
            Check(reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_expected.Kind), "kind");
            return true;
        }

        if (reader.ValueTextEquals("model"u8))
        {
            ReadObject(ref reader, Section.Model);
            return true;
        }

        if (reader.ValueTextEquals("actor"u8))
        {
            ReadObject(ref reader, Section.Actor);
            return true;
        }

        if (reader.ValueTextEquals("subject"u8))
        {
            ReadObject(ref reader, Section.Subject);
            return true;
        }

        if (reader.ValueTextEquals("event"u8))
        {
            ReadObject(ref reader, Section.Event);
            return true;
        }

        return false;
    }

    /// <summary>Checks the <c>request_id</c> column against the <c>requestId</c> string the reader is on.</summary>
    public void CheckRequestId(ref Utf8JsonReader reader) =>
        Check(reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_expected.RequestId), "request_id");

    /// <summary>After the last property: a column holding a value the entry does not have is a mismatch too.</summary>
    public void Complete()
    {
        Check(_sawModelName || string.IsNullOrEmpty(_expected.ModelName), "model");
        Check(_sawModelVersion || string.IsNullOrEmpty(_expected.ModelVersion), "version");
        Check(_sawUserId || _expected.UserId is null, "user_id");
        Check(_sawTenant || _expected.Tenant is null, "tenant");
        Check(_sawSubject || _expected.SubjectId is null, "subject_id");
        Check(_sawKind || _expected.Kind == EntryColumns.DecisionKind, "kind");
        Check(_sawTimestamp, "ts");
    }

    /// <summary>A sentence describing the mismatch for a finding: the column's stored value (the entry's is in the entry).</summary>
    public static string Describe(string column, EntryColumns columns) => column switch
    {
        "request_id" => Quote(columns.RequestId),
        "ts" => columns.Timestamp == UnreadableTimestamp
            ? "a value that is not a valid time"
            : Quote(columns.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)),
        "model" => Quote(columns.ModelName),
        "version" => Quote(columns.ModelVersion),
        "user_id" => Quote(columns.UserId),
        "tenant" => Quote(columns.Tenant),
        "subject_id" => Quote(columns.SubjectId),
        "kind" => Quote(columns.Kind),
        _ => "a different value",
    };

    private static string Quote(string? value) => value is null ? "NULL" : $"'{value}'";

    private void ReadObject(ref Utf8JsonReader reader, Section section)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Not an object: the entry is malformed, which the parse of its other fields or the canonical check reports.
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? column = (section, Name(ref reader)) switch
            {
                (Section.Model, "name") => "model",
                (Section.Model, "version") => "version",
                (Section.Actor, "userId") => "user_id",
                (Section.Actor, "tenant") => "tenant",
                (Section.Subject, "id") or (Section.Subject, "ref") or (Section.Event, "subjectId") or (Section.Event, "subjectRef") => "subject_id",
                _ => null,
            };

            reader.Read();
            if (column is null)
            {
                reader.Skip();
                continue;
            }

            string? expected = column switch
            {
                "model" => _expected.ModelName,
                "version" => _expected.ModelVersion,
                "user_id" => _expected.UserId,
                "tenant" => _expected.Tenant,
                _ => _expected.SubjectId,
            };

            MarkSeen(column);
            Check(reader.TokenType == JsonTokenType.String && expected is not null && reader.ValueTextEquals(expected), column);
            reader.Skip();
        }
    }

    // Only the handful of member names a column comes from are told apart; no string is allocated.
    private static string Name(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("name"u8) ? "name"
        : reader.ValueTextEquals("version"u8) ? "version"
        : reader.ValueTextEquals("userId"u8) ? "userId"
        : reader.ValueTextEquals("tenant"u8) ? "tenant"
        : reader.ValueTextEquals("id"u8) ? "id"
        : reader.ValueTextEquals("subjectId"u8) ? "subjectId"
        : reader.ValueTextEquals("ref"u8) ? "ref"
        : reader.ValueTextEquals("subjectRef"u8) ? "subjectRef"
        : string.Empty;

    private void MarkSeen(string column)
    {
        switch (column)
        {
            case "model": _sawModelName = true; break;
            case "version": _sawModelVersion = true; break;
            case "user_id": _sawUserId = true; break;
            case "tenant": _sawTenant = true; break;
            default: _sawSubject = true; break;
        }
    }

    private readonly bool TimestampEquals(ref Utf8JsonReader reader)
    {
        if (_expected.Timestamp == UnreadableTimestamp)
        {
            return false;
        }

        Span<byte> formatted = stackalloc byte[32];
        return _expected.Timestamp.UtcDateTime.TryFormat(formatted, out int written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
            && reader.ValueTextEquals(formatted[..written]);
    }

    private void Check(bool matches, string column)
    {
        if (!matches && Mismatch is null)
        {
            Mismatch = column;
        }
    }

    private enum Section
    {
        Model,
        Actor,
        Subject,
        Event,
    }
}
