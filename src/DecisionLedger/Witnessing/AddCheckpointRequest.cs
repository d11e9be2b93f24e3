using System.Globalization;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;

namespace DecisionLedger.Witnessing;

/// <summary>
/// The body of a tlog-witness <c>add-checkpoint</c> request (c2sp.org/tlog-witness): an
/// <c>old N</c> line, the consistency proof from size N, one hash per line, a blank line, then
/// the signed checkpoint note.
/// </summary>
/// <param name="OldSize">The size of the checkpoint the witness last cosigned for this log (0 when none).</param>
/// <param name="ConsistencyProof">The RFC 6962 consistency proof from <paramref name="OldSize"/> to the checkpoint's size; empty when the old size is 0 or equal to the new size.</param>
/// <param name="CheckpointNote">The signed checkpoint note, with the log's signature (and possibly others).</param>
public sealed record AddCheckpointRequest(long OldSize, IReadOnlyList<Sha256Hash> ConsistencyProof, string CheckpointNote)
{
    /// <summary>The most proof lines a client may send (the spec's limit).</summary>
    public const int MaxProofLines = 63;

    /// <summary>Formats the request body.</summary>
    /// <returns>The body, ready to POST to <c>&lt;prefix&gt;/add-checkpoint</c>.</returns>
    /// <exception cref="InvalidOperationException">The old size is negative, the proof has more than 63 hashes, or the note does not end in a newline.</exception>
    public string ToBody()
    {
        if (OldSize < 0)
        {
            throw new InvalidOperationException($"The old size must be zero or more; got {OldSize}.");
        }

        if (ConsistencyProof.Count > MaxProofLines)
        {
            throw new InvalidOperationException($"A consistency proof has at most {MaxProofLines} hashes; this one has {ConsistencyProof.Count}.");
        }

        if (CheckpointNote.Length == 0 || CheckpointNote[^1] != '\n')
        {
            throw new InvalidOperationException("The checkpoint note must end in a newline.");
        }

        var body = new StringBuilder();
        body.Append("old ").Append(OldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (Sha256Hash hash in ConsistencyProof)
        {
            body.Append(hash.ToBase64()).Append('\n');
        }

        return body.Append('\n').Append(CheckpointNote).ToString();
    }

    /// <summary>Parses a request body; the checkpoint note is returned as text, neither parsed nor verified.</summary>
    /// <param name="body">The request body.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// A message naming the line: the first line is not <c>old N</c> with a canonical decimal; a
    /// proof line is not the canonical base64 of 32 bytes; there are more than 63 proof lines;
    /// there is no blank line; or no checkpoint follows it.
    /// </exception>
    public static AddCheckpointRequest Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int end = body.IndexOf('\n', StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException("Line 1 (old size) does not end in a newline.");
        }

        string oldLine = body[..end];
        if (!oldLine.StartsWith("old ", StringComparison.Ordinal) || !TryParseCanonicalSize(oldLine[4..], out long oldSize))
        {
            throw new FormatException(
                $"Line 1 must be 'old N' with N a decimal tree size without sign or leading zeros; got '{Shorten(oldLine)}'.");
        }

        var proof = new List<Sha256Hash>();
        int lineNumber = 1;
        int start = end + 1;
        while (true)
        {
            lineNumber++;
            end = body.IndexOf('\n', start);
            if (end < 0)
            {
                throw new FormatException(
                    $"Line {lineNumber}: the request has no blank line separating the consistency proof from the checkpoint.");
            }

            string line = body[start..end];
            start = end + 1;
            if (line.Length == 0)
            {
                break;
            }

            if (proof.Count == MaxProofLines)
            {
                throw new FormatException($"Line {lineNumber}: a consistency proof has at most {MaxProofLines} lines.");
            }

            if (!NoteSyntax.TryDecodeBase64(line, out byte[] hash, requireCanonical: true) || hash.Length != Sha256Hash.Size)
            {
                throw new FormatException(
                    $"Line {lineNumber}: a consistency proof line must be the standard base64 of a {Sha256Hash.Size}-byte hash; got '{Shorten(line)}'.");
            }

            proof.Add(Sha256Hash.FromBytes(hash));
        }

        string note = body[start..];
        if (note.Length == 0)
        {
            throw new FormatException($"Line {lineNumber + 1}: no checkpoint follows the blank line.");
        }

        return new AddCheckpointRequest(oldSize, proof, note);
    }

    /// <summary>Parses a decimal with no sign and no leading zeros ("0" itself is allowed).</summary>
    internal static bool TryParseCanonicalSize(string text, out long size) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size)
        && string.Equals(size.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
