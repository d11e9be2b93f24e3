using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// What the v2 checks of verification need from a v2 entry: its event kind (null for a decision),
/// the model name and subject ref its chains are keyed by, its <c>prev</c> links, and a heads
/// event's root and key count. Read in a second pass over v2 entries only (a v1 entry costs
/// nothing more), on the page workers, with each shape checked as it is read.
/// </summary>
internal sealed class EntryV2Fields
{
    private EntryV2Fields(string? kind, string? modelName, string? subjectRef, ChainLinks? prev, Sha256Hash? headsRoot, long headsKeys)
    {
        Kind = kind;
        ModelName = modelName;
        SubjectRef = subjectRef;
        Prev = prev;
        HeadsRoot = headsRoot;
        HeadsKeys = headsKeys;
    }

    /// <summary>The event kind, or null for a decision entry.</summary>
    public string? Kind { get; }

    /// <summary>A decision's <c>model.name</c>.</summary>
    public string? ModelName { get; }

    /// <summary>A decision's <c>subject.ref</c>, or null when it has no subject.</summary>
    public string? SubjectRef { get; }

    /// <summary>A decision's <c>prev</c> links.</summary>
    public ChainLinks? Prev { get; }

    /// <summary>A heads event's <c>root</c>.</summary>
    public Sha256Hash? HeadsRoot { get; }

    /// <summary>A heads event's <c>keys</c>.</summary>
    public long HeadsKeys { get; }

    /// <summary>Whether this is a decision entry (no <c>kind</c>).</summary>
    public bool IsDecision => Kind is null;

    /// <summary>Reads the v2 fields; returns an error sentence naming the field when the entry breaks the v2 shape.</summary>
    public static bool TryRead(ReadOnlySpan<byte> canonical, out EntryV2Fields? fields, out string? error)
    {
        fields = null;
        error = null;
        string? kind = null, modelName = null, subjectRef = null;
        ChainLinks? prev = null;
        Sha256Hash? root = null;
        long keys = -1;
        bool sawSubjectId = false;
        var reader = new Utf8JsonReader(canonical, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : string.Empty;
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                modelName = ReadMember(ref reader, "name"u8);
            }
            else if (reader.ValueTextEquals("subject"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    error = "its 'subject' is not an object";
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isRef = reader.ValueTextEquals("ref"u8);
                    sawSubjectId |= reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isRef && reader.TokenType == JsonTokenType.String)
                    {
                        subjectRef = reader.GetString();
                    }

                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("prev"u8))
            {
                if (!TryReadPrev(ref reader, out prev))
                {
                    error = "its 'prev' is not {\"model\":<seq or -1>,\"subject\":<seq or -1>}";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    error = "its 'event' is not an object";
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isRoot = reader.ValueTextEquals("root"u8);
                    bool isKeys = reader.ValueTextEquals("keys"u8);
                    reader.Read();
                    if (isRoot && reader.TokenType == JsonTokenType.String)
                    {
                        try
                        {
                            root = Sha256Hash.FromBase64(reader.GetString()!);
                        }
                        catch (FormatException)
                        {
                            root = null;
                        }
                    }
                    else if (isKeys && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long count) && count >= 0)
                    {
                        keys = count;
                    }

                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (kind is null)
        {
            if (sawSubjectId)
            {
                error = "it is a v2 entry with a 'subject.id'; v2 names a subject by 'subject.ref' only";
                return false;
            }

            if (prev is null)
            {
                error = "it is a v2 decision entry without 'prev'";
                return false;
            }

            if (modelName is null)
            {
                error = "its 'model.name' is missing";
                return false;
            }

            if (subjectRef is not null && !SubjectRefText.IsValid(subjectRef))
            {
                error = $"its 'subject.ref' is not a ref ({SubjectRefText.Expected})";
                return false;
            }
        }
        else if (kind == LedgerEvent.HeadsKind && (root is null || keys < 0))
        {
            error = "its heads 'event' needs 'root' (standard base64 of 32 bytes) and 'keys' (an integer, 0 or more)";
            return false;
        }

        fields = new EntryV2Fields(kind, modelName, subjectRef, prev, root, keys);
        return true;
    }

    private static string? ReadMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        string? value = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool wanted = reader.ValueTextEquals(name);
            reader.Read();
            if (wanted && reader.TokenType == JsonTokenType.String)
            {
                value = reader.GetString();
            }

            reader.Skip();
        }

        return value;
    }

    private static bool TryReadPrev(ref Utf8JsonReader reader, out ChainLinks? prev)
    {
        prev = null;
        long? model = null, subject = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isModel = reader.ValueTextEquals("model"u8);
            bool isSubject = reader.ValueTextEquals("subject"u8);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long link) || link < ChainLinks.None)
            {
                return false;
            }

            if (isModel)
            {
                model = link;
            }
            else if (isSubject)
            {
                subject = link;
            }
            else
            {
                return false;
            }
        }

        if (model is null || subject is null)
        {
            return false;
        }

        prev = new ChainLinks(model.Value, subject.Value);
        return true;
    }
}
