using System.Runtime.InteropServices;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// fsync of a directory, so a rename into it survives a power loss (.NET has no API for it). On Windows
/// NTFS journals the rename itself, so there is nothing to do.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    /// <summary>Makes the entries of <paramref name="directory"/> (a rename, a new file) durable.</summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"{directory}: cannot open the directory to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"{directory}: fsync of the directory failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
