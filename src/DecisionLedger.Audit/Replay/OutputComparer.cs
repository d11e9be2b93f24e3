using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Replay;

/// <summary>
/// Compares a recorded output with a replayed response, field by field. The replayed output is
/// built from the response: each member of a recorded object output is read from the response
/// member of the same name (exact, else ignoring case); each mapping rule then places the response
/// value it names at its output path. Numbers match within their tolerance; everything else exactly.
/// </summary>
internal sealed class OutputComparer(IReadOnlyList<OutputMapping> mappings, ReplayTolerances tolerances)
{
    private readonly (IReadOnlyList<object> Output, IReadOnlyList<object> Response, OutputMapping Rule)[] _rules =
        [.. mappings.Select(m => (JsonPathText.Parse(m.OutputPath, "output"), JsonPathText.Parse(m.ResponsePath, "$"), m))];

    /// <summary>The differences; empty when the replay matched.</summary>
    public List<ReplayDifference> Compare(JsonElement recorded, JsonElement response)
    {
        JsonElement replayed = Project(recorded, response, out List<ReplayDifference> unmapped);
        var differences = new List<ReplayDifference>(unmapped);
        Diff("output", recorded, replayed, differences);
        return differences;
    }

    private JsonElement Project(JsonElement recorded, JsonElement response, out List<ReplayDifference> unmapped)
    {
        unmapped = [];
        JsonNode? replayed;
        if (_rules.Any(r => r.Output.Count == 0))
        {
            replayed = null;
        }
        else if (recorded.ValueKind == JsonValueKind.Object && response.ValueKind == JsonValueKind.Object)
        {
            var obj = new JsonObject();
            foreach (JsonProperty member in recorded.EnumerateObject())
            {
                if (JsonPathText.TryMember(response, member.Name, out JsonElement value))
                {
                    obj[member.Name] = JsonNode.Parse(value.GetRawText());
                }
            }

            replayed = obj;
        }
        else
        {
            replayed = JsonNode.Parse(response.GetRawText());
        }

        foreach ((IReadOnlyList<object> output, IReadOnlyList<object> source, OutputMapping rule) in _rules)
        {
            if (!JsonPathText.TryFollow(response, source, out JsonElement value))
            {
                unmapped.Add(new ReplayDifference(rule.OutputPath, Recorded(recorded, output), null));
                Remove(ref replayed, output);
                continue;
            }

            Place(ref replayed, output, JsonNode.Parse(value.GetRawText()));
        }

        return JsonSerializer.SerializeToElement(replayed);
    }

    private static string? Recorded(JsonElement recorded, IReadOnlyList<object> path) =>
        JsonPathText.TryFollow(recorded, path, out JsonElement value) ? value.GetRawText() : null;

    // A rule whose response path is missing must not leave the same-name value behind to match by accident.
    private static void Remove(ref JsonNode? root, IReadOnlyList<object> path)
    {
        if (path.Count == 0)
        {
            root = null;
            return;
        }

        JsonNode? parent = root;
        for (int i = 0; i < path.Count - 1 && parent is not null; i++)
        {
            parent = path[i] is string member ? (parent as JsonObject)?[member] : null;
        }

        if (parent is JsonObject obj && path[^1] is string last)
        {
            obj.Remove(last);
        }
    }

    private static void Place(ref JsonNode? root, IReadOnlyList<object> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            root = value;
            return;
        }

        root ??= new JsonObject();
        JsonNode node = root;
        for (int i = 0; i < path.Count; i++)
        {
            bool last = i == path.Count - 1;
            if (path[i] is string member)
            {
                if (node is not JsonObject obj)
                {
                    return;
                }

                if (last)
                {
                    obj[member] = value;
                    return;
                }

                node = obj[member] ??= path[i + 1] is string ? new JsonObject() : new JsonArray();
            }
            else
            {
                int index = (int)path[i];
                if (node is not JsonArray array)
                {
                    return;
                }

                while (array.Count <= index)
                {
                    array.Add(null);
                }

                if (last)
                {
                    array[index] = value;
                    return;
                }

                node = array[index] ??= path[i + 1] is string ? new JsonObject() : new JsonArray();
            }
        }
    }

    private void Diff(string path, JsonElement recorded, JsonElement replayed, List<ReplayDifference> differences)
    {
        if (differences.Exists(d => d.Path == path))
        {
            return;
        }

        if (recorded.ValueKind == JsonValueKind.Number && replayed.ValueKind == JsonValueKind.Number)
        {
            double a = recorded.GetDouble();
            double b = replayed.GetDouble();
            double tolerance = tolerances.For(path);
            if (Math.Abs(b - a) > tolerance)
            {
                differences.Add(new ReplayDifference(path, recorded.GetRawText(), replayed.GetRawText(), b - a, tolerance));
            }

            return;
        }

        if (recorded.ValueKind == JsonValueKind.Object && replayed.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty member in recorded.EnumerateObject())
            {
                string child = path + "." + member.Name;
                if (replayed.TryGetProperty(member.Name, out JsonElement other))
                {
                    Diff(child, member.Value, other, differences);
                }
                else if (!differences.Exists(d => d.Path == child))
                {
                    differences.Add(new ReplayDifference(child, member.Value.GetRawText(), null));
                }
            }

            foreach (JsonProperty member in replayed.EnumerateObject())
            {
                if (!recorded.TryGetProperty(member.Name, out _))
                {
                    differences.Add(new ReplayDifference(path + "." + member.Name, null, member.Value.GetRawText()));
                }
            }

            return;
        }

        if (recorded.ValueKind == JsonValueKind.Array && replayed.ValueKind == JsonValueKind.Array && recorded.GetArrayLength() == replayed.GetArrayLength())
        {
            for (int i = 0; i < recorded.GetArrayLength(); i++)
            {
                Diff($"{path}[{i}]", recorded[i], replayed[i], differences);
            }

            return;
        }

        if (!JsonElement.DeepEquals(recorded, replayed))
        {
            differences.Add(new ReplayDifference(path, recorded.GetRawText(), replayed.ValueKind == JsonValueKind.Undefined ? null : replayed.GetRawText()));
        }
    }
}
