using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>The members whose shape depends on the leaf format version: <c>subject</c> (id in v1, ref in v2) and v2's <c>prev</c>.</summary>
internal static partial class EntryReader
{
    // Called once v is known (it is the last member of a canonical entry).
    private static void CheckVersionMembers(int v, DecisionSubject? subject, string? subjectRef, ChainLinks? prev)
    {
        if (v == LedgerEntry.Version2)
        {
            if (subject is { Id: null })
            {
                throw new FormatException("Entry field 'subject.ref' is missing; a v2 entry's subject is {\"ref\":…}, or the entry has no subject member.");
            }

            if (subject is not null)
            {
                throw new FormatException("Entry field 'subject.id' is not allowed in a v2 entry; a v2 entry names its subject by 'subject.ref' only, never by the clear id.");
            }

            if (prev is null)
            {
                throw new FormatException("Entry field 'prev' is missing; every v2 decision entry carries its chain links.");
            }
        }
        else if (prev is not null)
        {
            throw new FormatException($"Entry field 'entry' has an unknown member 'prev'; chain links exist only in leaf format version {LedgerEntry.Version2}.");
        }
        else if (subjectRef is not null)
        {
            throw new FormatException($"Entry field 'subject' has an unknown member 'ref'; subject refs exist only in leaf format version {LedgerEntry.Version2}.");
        }
    }

    // v1 holds {"id":…} (or {}), v2 {"ref":…}; which one is allowed is decided once v is known.
    private static (DecisionSubject? Subject, string? Ref) ReadSubject(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Object, "subject");
        string? id = null;
        string? subjectRef = null;
        bool sawId = false;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id": id = String(property.Value, "subject.id"); sawId = true; break;
                case "ref":
                    subjectRef = String(property.Value, "subject.ref");
                    if (!SubjectRefText.IsValid(subjectRef))
                    {
                        throw new FormatException($"Entry field 'subject.ref' is \"{subjectRef}\"; {SubjectRefText.Expected}.");
                    }

                    break;
                default: throw Unknown(property.Name, "subject");
            }
        }

        if (subjectRef is not null && sawId)
        {
            throw new FormatException("Entry field 'subject' has both 'id' and 'ref'; a v1 entry has the id, a v2 entry the ref only.");
        }

        if (subjectRef is null)
        {
            return (new DecisionSubject { Id = id }, null);
        }

        return (null, subjectRef);
    }

    private static ChainLinks ReadPrev(JsonElement value)
    {
        RequireKind(value, JsonValueKind.Object, "prev");
        long? model = null, subject = null;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "model": model = Integer(property.Value, "prev.model", ChainLinks.None, 1L << 53); break;
                case "subject": subject = Integer(property.Value, "prev.subject", ChainLinks.None, 1L << 53); break;
                default: throw Unknown(property.Name, "prev");
            }
        }

        return new ChainLinks(model ?? throw Missing("prev.model"), subject ?? throw Missing("prev.subject"));
    }
}
