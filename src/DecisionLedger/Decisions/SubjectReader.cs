using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the optional <c>subject</c> object of a decision.</summary>
internal static class SubjectReader
{
    private const string SubjectFields = "id";

    public static DecisionSubject? Read(JsonElement value, DecisionFieldReader fields)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        DecisionFieldErrors.RequireObject(value, "subject", "send {\"id\": \"customer-1842\"} or omit it");
        string? id = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("id"u8))
            {
                id = fields.OptionalString(property.Value, "subject.id", "\"customer-1842\"");
                if (id is not null)
                {
                    TextRules.EnsureIdentifier(id, "subject.id");
                }
            }
            else
            {
                throw DecisionFieldErrors.Unknown("subject", property, SubjectFields);
            }
        }

        return new DecisionSubject { Id = id };
    }
}
