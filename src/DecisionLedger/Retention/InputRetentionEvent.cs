using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Retention;

/// <summary>
/// What an <c>input-retention</c> event entry records: retention deleted the stored inputs of the
/// decisions up to <see cref="ThroughSeq"/> whose model's cutoff their timestamp is before (except
/// those a legal hold kept), so verification accepts those inputs as missing by policy, as it does
/// an erased subject's. Written as
/// <c>{"cutoffs":[{"before":"2026-09-07T00:00:00.000000Z"},{"before":"…","model":"fraud"},{"model":"credit"}],"decisions":N,"throughSeq":S}</c>:
/// a cutoff without <c>model</c> is the default rule's, one without <c>before</c> deletes nothing of its model.
/// </summary>
/// <param name="Cutoffs">The cutoffs: at most one per model and one default, default first, then by model name.</param>
/// <param name="ThroughSeq">The last seq the deletion considered (the ledger's size minus one when it ran).</param>
/// <param name="Decisions">How many stored inputs were deleted.</param>
public sealed record InputRetentionEvent(IReadOnlyList<InputCutoff> Cutoffs, long ThroughSeq, long Decisions)
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private static readonly string[] s_members = ["cutoffs", "decisions", "throughSeq"];

    /// <summary>Whether the event covers a missing input: the decision is not after <see cref="ThroughSeq"/> and older than its model's cutoff.</summary>
    /// <param name="seq">The decision's seq.</param>
    /// <param name="model">Its model, or <see langword="null"/>.</param>
    /// <param name="timestamp">Its timestamp.</param>
    /// <returns>True when the event says the input was deleted by policy.</returns>
    public bool Covers(long seq, string? model, DateTimeOffset timestamp)
    {
        if (seq > ThroughSeq)
        {
            return false;
        }

        InputCutoff? rule = (model is null ? null : Cutoffs.FirstOrDefault(c => string.Equals(c.Model, model, StringComparison.Ordinal)))
            ?? Cutoffs.FirstOrDefault(c => c.Model is null);
        return rule?.Before is { } before && timestamp < before;
    }

    /// <summary>Throws when a field is out of range; the message names the field.</summary>
    /// <exception cref="ArgumentException">A field is negative, a model repeats, or no cutoff deletes anything.</exception>
    internal void Validate()
    {
        if (ThroughSeq < 0 || Decisions < 0)
        {
            throw new ArgumentException($"event.throughSeq/decisions: {ThroughSeq}/{Decisions}; neither may be negative.");
        }

        if (Cutoffs is null || !Cutoffs.Any(c => c.Before is not null))
        {
            throw new ArgumentException("event.cutoffs: at least one cutoff with 'before' is required; an input-retention event that deletes nothing is not recorded.");
        }

        if (Cutoffs.GroupBy(c => c.Model ?? "\0").Any(g => g.Count() > 1))
        {
            throw new ArgumentException("event.cutoffs: a model (or the default) appears twice; give each one cutoff.");
        }
    }

    /// <summary>Writes the <c>event</c> member's body (keys sorted, as canonical JSON requires).</summary>
    internal void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("cutoffs");
        foreach (InputCutoff cutoff in Cutoffs.OrderBy(c => c.Model is null ? 0 : 1).ThenBy(c => c.Model, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            if (cutoff.Before is { } before)
            {
                writer.WriteString("before", before.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture));
            }

            if (cutoff.Model is { } model)
            {
                writer.WriteString("model", model);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("decisions", Decisions);
        writer.WriteNumber("throughSeq", ThroughSeq);
    }

    /// <summary>Reads the <c>event</c> member's body, refusing unknown or missing members.</summary>
    /// <exception cref="FormatException">A member is missing, unknown or of the wrong type; the message names it.</exception>
    internal static InputRetentionEvent ReadBody(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("event: must be an object.");
        }

        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (Array.IndexOf(s_members, property.Name) < 0)
            {
                throw new FormatException($"event.{property.Name}: unknown member; it has only {string.Join(", ", s_members)}.");
            }
        }

        if (!body.TryGetProperty("cutoffs", out JsonElement cutoffs) || cutoffs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("event.cutoffs: required; an array.");
        }

        var list = new List<InputCutoff>();
        foreach (JsonElement cutoff in cutoffs.EnumerateArray())
        {
            if (cutoff.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event.cutoffs[]: must be an object.");
            }

            string? model = null;
            DateTimeOffset? before = null;
            foreach (JsonProperty property in cutoff.EnumerateObject())
            {
                if (property.Name == "model" && property.Value.ValueKind == JsonValueKind.String)
                {
                    model = property.Value.GetString();
                }
                else if (property.Name == "before" && property.Value.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParseExact(property.Value.GetString(), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at))
                {
                    before = at;
                }
                else
                {
                    throw new FormatException($"event.cutoffs[].{property.Name}: not 'model' (a string) or 'before' (YYYY-MM-DDTHH:MM:SS.ffffffZ).");
                }
            }

            list.Add(new InputCutoff(model, before));
        }

        return new InputRetentionEvent(list, Number(body, "throughSeq"), Number(body, "decisions"));
    }

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : throw new FormatException($"event.{name}: required; an integer.");
}
