using System.Globalization;
using System.Text.Json;
using DecisionLedger.Cli.Output;
using DecisionLedger.Timestamping;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Prints what outsiders attested about one checkpoint (witness cosignatures against a policy,
/// RFC 3161 time stamps) and the problems found, in the words and JSON members <c>verify --bundle</c>
/// and <c>verify --receipt</c> share.
/// </summary>
internal static class AttestationResultWriter
{
    /// <summary>Writes the indented "cosigned", "time-stamped" and problem lines under a result line.</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="cosigned">The checkpoint with the valid cosignatures that met the policy, or null.</param>
    /// <param name="quorumDescription">The policy's quorum in words, or null when no policy was given.</param>
    /// <param name="timestamps">The verified tokens, by authority name.</param>
    /// <param name="problems">Each problem as a sentence.</param>
    public static async Task WriteTextAsync(
        TextWriter output,
        CosignedCheckpoint? cosigned,
        string? quorumDescription,
        IReadOnlyList<KeyValuePair<string, TimestampVerification>> timestamps,
        IReadOnlyList<string> problems)
    {
        if (cosigned is not null)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  cosigned: {Plural.Of(cosigned.Cosignatures.Count, "valid cosignature")} ({string.Join(", ", cosigned.Cosignatures.Select(c => c.Witness.Name))}); the policy requires {quorumDescription}: met"));
        }

        foreach ((string authority, TimestampVerification stamp) in timestamps)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  time-stamped: {stamp.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z by '{authority}' ({stamp.Signer}, policy {stamp.Policy}, serial {stamp.SerialNumber})"));
        }

        foreach (string problem in problems)
        {
            await output.WriteLineAsync($"  {problem}");
        }
    }

    /// <summary>
    /// Writes the members <c>quorum</c> and <c>cosigners</c> (only with a policy), <c>timestamps</c> and
    /// <c>problems</c> into the JSON object being written.
    /// </summary>
    /// <param name="w">The writer, inside an object.</param>
    /// <param name="cosigned">The checkpoint with the valid cosignatures that met the policy, or null.</param>
    /// <param name="quorumDescription">The policy's quorum in words, or null when no policy was given.</param>
    /// <param name="timestamps">The verified tokens, by authority name.</param>
    /// <param name="problems">Each problem as a sentence.</param>
    /// <param name="tokenDetails">Whether each time stamp also names its TSA policy and serial number.</param>
    public static void WriteJsonMembers(
        Utf8JsonWriter w,
        CosignedCheckpoint? cosigned,
        string? quorumDescription,
        IReadOnlyList<KeyValuePair<string, TimestampVerification>> timestamps,
        IReadOnlyList<string> problems,
        bool tokenDetails)
    {
        if (quorumDescription is not null)
        {
            w.WriteString("quorum", quorumDescription);
            w.WriteStartArray("cosigners");
            foreach (Cosignature cosignature in cosigned?.Cosignatures ?? [])
            {
                w.WriteStringValue(cosignature.Witness.Name);
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("timestamps");
        foreach ((string authority, TimestampVerification stamp) in timestamps)
        {
            w.WriteStartObject();
            w.WriteString("tsa", authority);
            w.WriteString("time", stamp.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("signer", stamp.Signer);
            if (tokenDetails)
            {
                w.WriteString("policy", stamp.Policy);
                w.WriteString("serialNumber", stamp.SerialNumber);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("problems");
        foreach (string problem in problems)
        {
            w.WriteStringValue(problem);
        }

        w.WriteEndArray();
    }
}
