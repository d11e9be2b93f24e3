using System.Globalization;
using System.Text;
using DecisionLedger.Hashing;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// A transparency-log checkpoint body (c2sp.org/tlog-checkpoint): the log's origin, its tree
/// size and the RFC 6962 root hash at that size, plus optional extension lines.
/// </summary>
/// <param name="Origin">The log's unique identity, such as <c>decisionledger.example/fraud</c>; non-empty, no control characters.</param>
/// <param name="Size">The number of leaves in the tree; zero or more.</param>
/// <param name="RootHash">The Merkle Tree Hash of the first <paramref name="Size"/> leaves.</param>
public sealed record Checkpoint(string Origin, long Size, Sha256Hash RootHash)
{
    /// <summary>
    /// Opaque extension lines after the root hash; empty by default. Each must be non-empty.
    /// The spec discourages them because monitors cannot audit them.
    /// </summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>Formats the note text: origin, decimal size and base64 root, then extension lines, each ending in a newline.</summary>
    /// <returns>The checkpoint body, ready to be signed.</returns>
    /// <exception cref="InvalidOperationException">
    /// <see cref="Origin"/> is empty or contains a control character, <see cref="Size"/> is
    /// negative, or an extension line is empty or contains a control character.
    /// </exception>
    public string ToBody()
    {
        // Validated here rather than in the constructor because 'with' expressions bypass
        // constructors; this is the last point before the text is signed.
        if (CheckLine(Origin) is { } originProblem)
        {
            throw new InvalidOperationException($"The checkpoint origin is invalid: {originProblem}.");
        }

        if (Size < 0)
        {
            throw new InvalidOperationException($"The checkpoint size must be zero or more; got {Size}.");
        }

        var body = new StringBuilder();
        body.Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(RootHash.ToBase64()).Append('\n');
        for (int i = 0; i < Extensions.Count; i++)
        {
            if (CheckLine(Extensions[i]) is { } extensionProblem)
            {
                throw new InvalidOperationException($"Checkpoint extension line {i + 1} is invalid: {extensionProblem}.");
            }

            body.Append(Extensions[i]).Append('\n');
        }

        return body.ToString();
    }

    /// <summary>Parses a checkpoint body (the text of a checkpoint note), accepting only its canonical form.</summary>
    /// <param name="text">The body: origin, size and root lines, optional extension lines, each ending in a newline.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The body does not end in a newline; has fewer than three lines; has an empty origin or
    /// extension line or a control character; the size is not a canonical decimal (no sign, no
    /// leading zeros, fits in 63 bits); or the root is not the canonical base64 of 32 bytes.
    /// </exception>
    public static Checkpoint ParseBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new FormatException("A checkpoint body must end in a newline; this one does not.");
        }

        string[] lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new FormatException(
                $"A checkpoint body has at least three lines (origin, size, root hash); this one has {lines.Length}.");
        }

        if (CheckLine(lines[0]) is { } originProblem)
        {
            throw new FormatException($"The checkpoint origin (line 1) is invalid: {originProblem}.");
        }

        string sizeText = lines[1];

        // NumberStyles.None refuses signs, spaces and separators; the round trip refuses
        // leading zeros, so each tree size has exactly one textual form, as Go's tlog requires.
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out long size)
            || !string.Equals(size.ToString(CultureInfo.InvariantCulture), sizeText, StringComparison.Ordinal))
        {
            throw new FormatException(
                $"The checkpoint size (line 2) '{sizeText}' is not a canonical decimal: digits only, no sign, no leading zeros, at most {long.MaxValue}.");
        }

        if (!NoteSyntax.TryDecodeBase64(lines[2], out byte[] root, requireCanonical: true) || root.Length != Sha256Hash.Size)
        {
            throw new FormatException(
                $"The checkpoint root hash (line 3) '{lines[2]}' is not the canonical standard base64 encoding of {Sha256Hash.Size} bytes.");
        }

        string[] extensions = lines[3..];
        for (int i = 0; i < extensions.Length; i++)
        {
            if (CheckLine(extensions[i]) is { } extensionProblem)
            {
                throw new FormatException($"Checkpoint extension line {i + 1} (line {i + 4}) is invalid: {extensionProblem}.");
            }
        }

        return new Checkpoint(lines[0], size, Sha256Hash.FromBytes(root)) { Extensions = extensions };
    }

    /// <summary>Value equality, comparing <see cref="Extensions"/> element by element rather than by reference.</summary>
    /// <param name="other">The checkpoint to compare with.</param>
    /// <returns><see langword="true"/> when origin, size, root and extension lines are all equal.</returns>
    public bool Equals(Checkpoint? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Size == other.Size
        && RootHash == other.RootHash
        && Extensions.SequenceEqual(other.Extensions, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Origin, Size, RootHash, Extensions.Count);

    private static string? CheckLine(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return "it is empty";
        }

        if (line.Contains('\n', StringComparison.Ordinal))
        {
            return "it contains a newline";
        }

        return NoteSyntax.FindForbiddenCharacter(line) is { } forbidden ? $"it contains {forbidden}" : null;
    }
}
