using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Reads and validates the <c>model</c> object of a decision.</summary>
internal static class ModelInfoReader
{
    private const string ModelFields = "name, version, pipelineVersion, artifactDigest, parameters";

    public static ModelInfo Read(JsonElement value, DecisionFieldReader fields)
    {
        DecisionFieldErrors.RequireObject(value, "model", "send an object with at least name and version, e.g. {\"name\": \"fraud_detector\", \"version\": \"3.2.1\"}");
        string? name = null;
        string? version = null;
        string? pipelineVersion = null;
        string? artifactDigest = null;
        JsonElement? parameters = null;
        foreach (var property in value.EnumerateObject())
        {
            var field = property.Value;
            if (property.NameEquals("name"u8))
            {
                name = fields.OptionalString(field, "model.name", "\"fraud_detector\"");
                if (name is not null)
                {
                    TextRules.EnsureIdentifier(name, "model.name");
                }
            }
            else if (property.NameEquals("version"u8))
            {
                version = fields.OptionalString(field, "model.version", "\"3.2.1\"");
            }
            else if (property.NameEquals("pipelineVersion"u8))
            {
                pipelineVersion = fields.OptionalString(field, "model.pipelineVersion", "\"prep-7\"");
            }
            else if (property.NameEquals("artifactDigest"u8))
            {
                artifactDigest = fields.OptionalString(field, "model.artifactDigest", "\"sha256:9f86d0…\"");
            }
            else if (property.NameEquals("parameters"u8))
            {
                parameters = fields.OptionalFreeFormObject(field, "model.parameters", "send parameters as an object, e.g. {\"threshold\": 0.8}, or omit them");
            }
            else
            {
                throw DecisionFieldErrors.Unknown("model", property, ModelFields);
            }
        }

        return new ModelInfo
        {
            Name = name ?? throw DecisionFieldErrors.Required("model.name", "send a non-empty string, e.g. \"fraud_detector\""),
            Version = version ?? throw DecisionFieldErrors.Required("model.version", "send a non-empty string, e.g. \"3.2.1\""),
            PipelineVersion = pipelineVersion,
            ArtifactDigest = artifactDigest,
            Parameters = parameters,
        };
    }
}
