namespace DecisionLedger.Archiving;

/// <summary>Opens the destinations core knows without help: directories (<c>dir:/abs/path</c>).</summary>
internal static class ArchiveDestinationDefaults
{
    /// <summary>Opens the destination an <c>archived</c> event names.</summary>
    /// <exception cref="ArgumentException">The description is not a directory; an object-store destination needs its package's opener.</exception>
    public static IArchiveDestination Open(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.StartsWith("dir:", StringComparison.Ordinal) && description.Length > 4)
        {
            return new DirectoryArchiveDestination(description[4..]);
        }

        throw new ArgumentException($"destination: '{description}' is not a directory destination (dir:/path), and no opener for it was given; pass one (VerificationOptions.OpenArchiveDestination), as the dledger tool does for s3:// destinations.", nameof(description));
    }
}
