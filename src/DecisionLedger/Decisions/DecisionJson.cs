using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>Writes a <see cref="Decision"/> back to its wire JSON (shared/DESIGN.md), the inverse of <see cref="DecisionParser.Parse(ReadOnlySpan{byte})"/>.</summary>
/// <remarks>
/// Output is camelCase with absent fields omitted and the timestamp in UTC with six fraction digits.
/// It is not the canonical (RFC 8785) form that is hashed; that is the canonicalizer's job.
/// </remarks>
public static class DecisionJson
{
    /// <summary>Serializes <paramref name="decision"/> to UTF-8 wire JSON.</summary>
    /// <param name="decision">The decision to write.</param>
    /// <returns>The UTF-8 JSON bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is null.</exception>
    public static byte[] Serialize(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return JsonSerializer.SerializeToUtf8Bytes(decision, DecisionJsonContext.Default.Decision);
    }

    /// <summary>Writes <paramref name="decision"/> as wire JSON to <paramref name="writer"/>, e.g. as one NDJSON line.</summary>
    /// <param name="writer">The destination writer.</param>
    /// <param name="decision">The decision to write.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Serialize(Utf8JsonWriter writer, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(decision);
        JsonSerializer.Serialize(writer, decision, DecisionJsonContext.Default.Decision);
    }

    /// <summary>Serializes <paramref name="decision"/> to a wire JSON string.</summary>
    /// <param name="decision">The decision to write.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is null.</exception>
    public static string SerializeToString(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return JsonSerializer.Serialize(decision, DecisionJsonContext.Default.Decision);
    }
}
