using DecisionLedger.Archiving.S3;
using DecisionLedger.Replay;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Opens the replay artifact store an option names: <c>s3://bucket/prefix</c> is an
/// <see cref="S3ArtifactStore"/> (AWS credential chain, <c>AWS_ENDPOINT_URL_S3</c>), anything else a
/// <see cref="DirectoryArtifactStore"/>.
/// </summary>
internal static class ArtifactStoreLocation
{
    /// <summary>The store at <paramref name="text"/>.</summary>
    /// <param name="text">A directory or <c>s3://bucket/prefix</c>.</param>
    /// <param name="field">The option, named in errors (<c>--artifacts</c>, <c>--replay-artifacts</c>).</param>
    /// <exception cref="CliException">No such directory, or a malformed S3 location (exit code 2).</exception>
    public static IArtifactStore Open(string text, string field)
    {
        try
        {
            return S3ArchiveLocation.IsS3(text)
                ? S3ArtifactStore.Open(text, field)
                : new DirectoryArtifactStore(text);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FormatException)
        {
            throw new CliException(ExitCodes.BadInput, e.Message.Replace("--artifacts:", field + ":", StringComparison.Ordinal));
        }
    }
}
