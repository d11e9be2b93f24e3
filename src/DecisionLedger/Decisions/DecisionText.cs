using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>
/// Holds a <see cref="Decision"/> built in code to the text rules <see cref="DecisionParser"/> applies to
/// JSON (<see cref="TextRules"/>), so a decision cannot reach the ledger by the .NET API with text the HTTP
/// or CLI entry points would refuse. .NET strings are UTF-16: the rules there are no U+0000 and no unpaired
/// surrogate; the free-form parts are <see cref="JsonElement"/>s whose bytes may come from anywhere.
/// </summary>
internal static class DecisionText
{
    /// <summary>Checks every text of <paramref name="decision"/>: its strings, the names and values of its free-form parts.</summary>
    /// <exception cref="DecisionValidationException">A text breaks a rule; the message names the field and the character.</exception>
    public static void Ensure(Decision decision)
    {
        if (decision.RequestId is { } requestId)
        {
            Identifier(requestId, "requestId");
            if (requestId.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0 || requestId.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') >= 0)
            {
                throw new DecisionValidationException("requestId", "contains a control character", "send printable characters only, e.g. a UUID, or omit it to have a UUIDv7 assigned");
            }
        }

        var model = decision.Model;
        Identifier(model.Name, "model.name");
        Text(model.Version, "model.version");
        Text(model.PipelineVersion, "model.pipelineVersion");
        Text(model.ArtifactDigest, "model.artifactDigest");
        Json(model.Parameters, "model.parameters");
        Json(decision.Input, "input");
        Json(decision.Output, "output");
        Json(decision.Metadata, "metadata");
        if (decision.Actor is { } actor)
        {
            if (actor.UserId is { } userId)
            {
                Identifier(userId, "actor.userId");
            }

            Text(actor.Tenant, "actor.tenant");
        }

        if (decision.Subject?.Id is { } subjectId)
        {
            Identifier(subjectId, "subject.id");
        }

        if (decision.Explanation is { } explanation)
        {
            Text(explanation.Method, "explanation.method");
            if (explanation.Attributions is { } attributions)
            {
                // The parser builds a Dictionary: its struct enumerator keeps this check allocation-free.
                if (attributions is Dictionary<string, double> dictionary)
                {
                    foreach (var name in dictionary.Keys)
                    {
                        FeatureName(name);
                    }
                }
                else
                {
                    foreach (var name in attributions.Keys)
                    {
                        FeatureName(name);
                    }
                }
            }
        }
    }

    private static void FeatureName(string name)
    {
        if (TextRules.FindInvalid(name) is { } problem)
        {
            throw new DecisionValidationException(JsonPaths.Child("explanation.attributions", name), "feature name " + problem, TextRules.ValidTextFix);
        }
    }

    private static void Identifier(string text, string path)
    {
        Text(text, path);
        TextRules.EnsureIdentifier(text, path);
    }

    private static void Text(string? text, string path)
    {
        if (text is not null)
        {
            TextRules.EnsureValid(text, path);
        }
    }

    private static void Json(JsonElement? value, string path)
    {
        // Undefined or non-object parts are RecordableDecision's to report, with its own wording.
        if (value is { ValueKind: not JsonValueKind.Undefined } element)
        {
            JsonTextChecker.EnsureValid(element, path);
        }
    }
}
