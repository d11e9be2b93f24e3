namespace DecisionLedger.Archiving;

/// <summary>
/// What an <c>archived</c> event entry records: the in-log, leaf-covered commitment to every file
/// one archive run wrote. Written as
/// <c>{"decisions":N,"destination":"dir:/…","files":[{"file":"…","rows":R,"sha256":"…"},…],"firstSeq":A,"lastSeq":B}</c>.
/// </summary>
/// <param name="Destination">Where the files are (<see cref="IArchiveDestination.Describe"/>).</param>
/// <param name="Files">Every file written, in path order; at least one.</param>
/// <param name="FirstSeq">The first seq of the archived range.</param>
/// <param name="LastSeq">The last seq of the archived range; every decision entry in the range is in exactly one file, event entries stay live.</param>
/// <param name="Decisions">The number of decision entries archived: the sum of the files' rows.</param>
public sealed record ArchivedEvent(string Destination, IReadOnlyList<ArchivedFile> Files, long FirstSeq, long LastSeq, long Decisions)
{
    /// <summary>Throws when a field is out of range; the message names the field.</summary>
    /// <exception cref="ArgumentException">A field is empty, negative, inconsistent or out of order.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Destination))
        {
            throw new ArgumentException("event.destination: required; a non-empty string such as dir:/var/archive or s3://bucket/prefix.");
        }

        if (Files is null || Files.Count == 0)
        {
            throw new ArgumentException("event.files: required; at least one archive file.");
        }

        if (FirstSeq < 0 || LastSeq < FirstSeq)
        {
            throw new ArgumentException($"event.firstSeq/lastSeq: {FirstSeq}…{LastSeq} is not a range (0 ≤ firstSeq ≤ lastSeq).");
        }

        long rows = 0;
        foreach (ArchivedFile file in Files)
        {
            if (file is null || string.IsNullOrWhiteSpace(file.File))
            {
                throw new ArgumentException("event.files[].file: required; the archive file's relative path.");
            }

            if (file.Rows <= 0)
            {
                throw new ArgumentException($"event.files[].rows: {file.Rows} for '{file.File}'; a file holds at least one row.");
            }

            if (file.Sha256 is not { Length: 64 } || !file.Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new ArgumentException($"event.files[].sha256: '{file.Sha256}' for '{file.File}' is not 64 lowercase hex digits.");
            }

            rows += file.Rows;
        }

        if (rows != Decisions)
        {
            throw new ArgumentException($"event.decisions: {Decisions}, but the files hold {rows} rows; they must be equal.");
        }
    }
}
