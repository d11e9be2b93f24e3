using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>
/// What a <c>replay</c> event entry records: that a replay was run, with which parameters, and what
/// it found, so an auditor sees that the check was made. Written as
/// <c>{"differed":D,"differedSeqs":[…],"matched":M,"notReplayable":N,"parameters":{"name":"value",…}}</c>.
/// </summary>
/// <param name="Parameters">The run's parameters by name (selection, scorer, tolerances, mappings), as the caller gave them; string values only.</param>
/// <param name="Matched">Decisions whose replayed output matched the recorded one within tolerance.</param>
/// <param name="Differed">Decisions whose replayed output differed.</param>
/// <param name="NotReplayable">Decisions that could not be replayed (input erased or not held, artifact not found, scorer failed).</param>
/// <param name="DifferedSeqs">The seqs of the decisions that differed, ascending.</param>
public sealed record ReplayEvent(
    IReadOnlyDictionary<string, string> Parameters,
    long Matched,
    long Differed,
    long NotReplayable,
    IReadOnlyList<long> DifferedSeqs)
{
    private static readonly string[] s_members = ["differed", "differedSeqs", "matched", "notReplayable", "parameters"];

    /// <summary>Throws when a field is out of range; the message names the field.</summary>
    /// <exception cref="ArgumentException">A count is negative, the differed seqs do not add up to <see cref="Differed"/>, or a parameter name is empty.</exception>
    internal void Validate()
    {
        if (Parameters is null)
        {
            throw new ArgumentException("event.parameters: required; the replay's parameters by name (may be empty).");
        }

        foreach ((string name, long count) in new[] { ("matched", Matched), ("differed", Differed), ("notReplayable", NotReplayable) })
        {
            if (count < 0)
            {
                throw new ArgumentException($"event.{name}: {count} is negative; pass a count (0 or more).");
            }
        }

        if (DifferedSeqs is null || DifferedSeqs.Count != Differed)
        {
            throw new ArgumentException($"event.differedSeqs: {DifferedSeqs?.Count ?? 0} seqs for {Differed} differed decisions; list every seq that differed.");
        }

        for (int i = 0; i < DifferedSeqs.Count; i++)
        {
            if (DifferedSeqs[i] < 0 || (i > 0 && DifferedSeqs[i] <= DifferedSeqs[i - 1]))
            {
                throw new ArgumentException($"event.differedSeqs[{i}]: {DifferedSeqs[i]} is negative or not ascending; list the seqs ascending, each once.");
            }
        }

        foreach (string name in Parameters.Keys)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("event.parameters: a parameter name is empty.");
            }
        }
    }

    /// <summary>Writes the <c>event</c> member's body (the canonicalizer sorts the keys).</summary>
    internal void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteNumber("differed", Differed);
        writer.WriteStartArray("differedSeqs");
        foreach (long seq in DifferedSeqs)
        {
            writer.WriteNumberValue(seq);
        }

        writer.WriteEndArray();
        writer.WriteNumber("matched", Matched);
        writer.WriteNumber("notReplayable", NotReplayable);
        writer.WriteStartObject("parameters");
        foreach ((string name, string value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads the <c>event</c> member's body, refusing unknown or missing members.</summary>
    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type; the message names it.</exception>
    internal static ReplayEvent ReadBody(JsonElement body)
    {
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (Array.IndexOf(s_members, property.Name) < 0)
            {
                throw new FormatException($"event.{property.Name}: unknown member; a replay event has only {string.Join(", ", s_members)}.");
            }
        }

        foreach (string name in s_members)
        {
            if (!body.TryGetProperty(name, out _))
            {
                throw new FormatException($"event.{name}: required member is missing.");
            }
        }

        JsonElement seqs = body.GetProperty("differedSeqs");
        if (seqs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.differedSeqs: must be an array of integers.");
        }

        var differedSeqs = new List<long>();
        foreach (JsonElement seq in seqs.EnumerateArray())
        {
            differedSeqs.Add(seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out long value) ? value : throw new FormatException("event.differedSeqs[]: must be an integer."));
        }

        JsonElement parameters = body.GetProperty("parameters");
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("event.parameters: must be an object of strings.");
        }

        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty parameter in parameters.EnumerateObject())
        {
            byName[parameter.Name] = parameter.Value.ValueKind == JsonValueKind.String
                ? parameter.Value.GetString()!
                : throw new FormatException($"event.parameters.{parameter.Name}: must be a string.");
        }

        return new ReplayEvent(byName, Count(body, "matched"), Count(body, "differed"), Count(body, "notReplayable"), differedSeqs);
    }

    private static long Count(JsonElement body, string name)
    {
        JsonElement value = body.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long count)
            ? count
            : throw new FormatException($"event.{name}: must be an integer.");
    }
}
