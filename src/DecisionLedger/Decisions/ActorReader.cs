using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the optional <c>actor</c> object of a decision.</summary>
internal static class ActorReader
{
    private const string ActorFields = "userId, tenant";

    public static Actor? Read(JsonElement value, DecisionFieldReader fields)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        DecisionFieldErrors.RequireObject(value, "actor", "send {\"userId\": …, \"tenant\": …} or omit it");
        string? userId = null;
        string? tenant = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("userId"u8))
            {
                userId = fields.OptionalString(property.Value, "actor.userId", "\"analyst_jane\"");
                if (userId is not null)
                {
                    TextRules.EnsureIdentifier(userId, "actor.userId");
                }
            }
            else if (property.NameEquals("tenant"u8))
            {
                tenant = fields.OptionalString(property.Value, "actor.tenant", "\"emea\"");
            }
            else
            {
                throw DecisionFieldErrors.Unknown("actor", property, ActorFields);
            }
        }

        return new Actor { UserId = userId, Tenant = tenant };
    }
}
