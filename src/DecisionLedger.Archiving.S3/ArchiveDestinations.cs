namespace DecisionLedger.Archiving.S3;

/// <summary>
/// Turns a destination as a user writes it into an <see cref="IArchiveDestination"/>:
/// <c>s3://bucket/prefix</c> (<see cref="S3ArchiveDestination.Open"/>), <c>dir:PATH</c> or a plain
/// <c>PATH</c> (<see cref="DirectoryArchiveDestination"/>). It also reads back what
/// <see cref="IArchiveDestination.Describe"/> wrote into an <c>archived</c> event.
/// </summary>
public static class ArchiveDestinations
{
    /// <summary>The prefix of a directory destination as <see cref="DirectoryArchiveDestination.Describe"/> writes it.</summary>
    public const string DirectoryScheme = "dir:";

    /// <summary>Opens the destination <paramref name="text"/> names.</summary>
    /// <param name="text"><c>s3://bucket/prefix</c>, <c>dir:PATH</c> or <c>PATH</c>.</param>
    /// <param name="field">The option or setting the text came from (e.g. <c>--to</c>), named in errors.</param>
    /// <returns>The destination; dispose it when it is <see cref="IDisposable"/> (an S3 destination owns its client).</returns>
    /// <exception cref="FormatException">The text is empty, or a malformed S3 location; the message names <paramref name="field"/>.</exception>
    public static IArchiveDestination Parse(string text, string field = "destination")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (S3ArchiveLocation.IsS3(text))
        {
            return S3ArchiveDestination.Open(text, field);
        }

        string path = text.StartsWith(DirectoryScheme, StringComparison.Ordinal) ? text[DirectoryScheme.Length..] : text;
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new FormatException($"{field}: no archive location given; pass a directory, dir:DIRECTORY or s3://bucket/prefix.");
        }

        if (path.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException($"{field}: '{text}' is not a supported archive location; pass a directory, dir:DIRECTORY or s3://bucket/prefix.");
        }

        return new DirectoryArchiveDestination(path);
    }
}
