namespace DecisionLedger.Server.Tlog;

/// <summary>
/// An entry bundle would hold an entry longer than 65,535 bytes, which the <c>tlog-tiles</c> big-endian
/// uint16 length prefix cannot carry; the bundle is refused rather than written with a wrong prefix.
/// </summary>
public sealed class TlogEntryTooLargeException : Exception
{
    /// <summary>Creates the exception for entry <paramref name="seq"/> of <paramref name="length"/> bytes in bundle <paramref name="bundlePath"/>.</summary>
    /// <param name="bundlePath">The bundle's path, e.g. <c>tile/entries/000</c>.</param>
    /// <param name="seq">The entry's seq.</param>
    /// <param name="length">The entry's canonical length in bytes.</param>
    public TlogEntryTooLargeException(string bundlePath, long seq, int length)
        : base($"{bundlePath}: entry seq {seq} is {length} bytes; a tlog-tiles entry bundle prefixes each entry with a big-endian uint16, " +
            $"so it carries entries of at most {ushort.MaxValue} bytes. Read this entry through GET /v1/decisions or an evidence bundle (dledger export --out); " +
            "the hash tiles still commit to it.")
    {
        BundlePath = bundlePath;
        Seq = seq;
        Length = length;
    }

    /// <summary>The refused bundle's path.</summary>
    public string BundlePath { get; }

    /// <summary>The seq of the first entry too long for the bundle.</summary>
    public long Seq { get; }

    /// <summary>That entry's length in bytes.</summary>
    public int Length { get; }
}
