using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Decisions;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// Builds the <c>decisionledger.sampling</c> decision that tells an auditor how many decisions of
/// an endpoint sampling left out, and over which period.
/// </summary>
internal static class SamplingReport
{
    /// <summary>The model name of sampling reports.</summary>
    public const string ModelName = "decisionledger.sampling";

    /// <summary>The version of the report's shape.</summary>
    public const string ModelVersion = "1";

    public static Decision Create(SamplingCounter counter, long sampledOut, DateTimeOffset since, DateTimeOffset until)
    {
        var input = new JsonObject
        {
            ["endpoint"] = counter.Endpoint,
            ["model"] = counter.Capture.ModelName,
            ["modelVersion"] = counter.Capture.ModelVersion,
            ["sampleRate"] = counter.Capture.Options.SampleRate,
        };
        var output = new JsonObject
        {
            ["endpoint"] = counter.Endpoint,
            ["sampledOut"] = sampledOut,
            ["since"] = since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["until"] = until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        return new Decision
        {
            Model = new ModelInfo { Name = ModelName, Version = ModelVersion },
            Input = ToElement(input),
            Output = ToElement(output),
            Timestamp = until,
        };
    }

    private static JsonElement ToElement(JsonObject node) => JsonSerializer.SerializeToElement(node, JsonObjectContext.Default.JsonObject);
}
