using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>
/// The small path language of replay options: a root (<c>output</c> for the recorded output, <c>$</c>
/// for the replayed response) followed by <c>.member</c> and <c>[index]</c> steps, e.g.
/// <c>output.score</c>, <c>$.predictions[0].probability</c>.
/// </summary>
internal static class JsonPathText
{
    /// <summary>Splits a path after its root into steps: a string is a member, an int an array index.</summary>
    /// <exception cref="FormatException">The path does not start with <paramref name="root"/> or a step is malformed.</exception>
    public static IReadOnlyList<object> Parse(string path, string root)
    {
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            throw new FormatException($"'{path}' does not start with '{root}'.");
        }

        var steps = new List<object>();
        int i = root.Length;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                if (end == i + 1)
                {
                    throw new FormatException($"'{path}' has an empty member name at position {i + 1}.");
                }

                steps.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0 || !int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    throw new FormatException($"'{path}' has a malformed index at position {i}; write [0], [1] …");
                }

                steps.Add(index);
                i = close + 1;
            }
            else
            {
                throw new FormatException($"'{path}' continues with '{path[i]}' at position {i}; expected '.' or '['.");
            }
        }

        return steps;
    }

    /// <summary>Follows <paramref name="steps"/> from <paramref name="element"/>; false when a step is missing.</summary>
    public static bool TryFollow(JsonElement element, IReadOnlyList<object> steps, out JsonElement found)
    {
        found = element;
        foreach (object step in steps)
        {
            if (step is string member)
            {
                if (found.ValueKind != JsonValueKind.Object || !TryMember(found, member, out found))
                {
                    return false;
                }
            }
            else if (found.ValueKind != JsonValueKind.Array || (int)step >= found.GetArrayLength())
            {
                return false;
            }
            else
            {
                found = found[(int)step];
            }
        }

        return true;
    }

    /// <summary>A member by its exact name, else by its name ignoring case (ML.NET columns are PascalCase, JSON bodies camelCase).</summary>
    public static bool TryMember(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
