using System.Globalization;
using System.Text.Json;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Archive;

/// <summary>The columns a live store copies out of an entry, read back from an archived entry's canonical bytes for display.</summary>
internal static class ArchivedEntryColumns
{
    /// <summary>Reads the columns of <paramref name="canonical"/>.</summary>
    /// <exception cref="CliException">The archived bytes are not an entry (exit 1: the archive is damaged), naming the seq.</exception>
    public static EntryColumns Read(byte[] canonical, long seq)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(canonical);
            JsonElement root = document.RootElement;
            string? Nested(string parent, string name) =>
                root.TryGetProperty(parent, out JsonElement p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

            return new EntryColumns(
                root.GetProperty("requestId").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Nested("model", "name") ?? string.Empty,
                Nested("model", "version") ?? string.Empty,
                Nested("actor", "userId"),
                Nested("actor", "tenant"),
                Nested("subject", "id") ?? Nested("subject", "ref"),
                null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliException(ExitCodes.VerificationFailed, $"archived seq {seq}: the entry bytes are not a decision entry ({e.Message}); run dledger verify.");
        }
    }
}
