using System.Globalization;
using System.Text.Json;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// The <see cref="PendingHalfJournal"/>'s file as a whole: reading back its live halves (the last word per id and
/// kind, torn and corrupt lines reported), rewriting it with only those, and opening it for appends.
/// </summary>
internal static class PendingHalfJournalFile
{
    /// <summary>The live halves of a journal's content, last word per (id, kind); reports torn and corrupt lines.</summary>
    public static Dictionary<(string Id, InferenceEventKind Kind), JournalLine> ReadLive(byte[] content, string path, ILogger logger, TimeProvider time)
    {
        var live = new Dictionary<(string Id, InferenceEventKind Kind), JournalLine>();
        int start = 0;
        int number = 0;
        string? copy = null;
        while (start < content.Length)
        {
            int newline = content.AsSpan(start).IndexOf((byte)'\n');
            bool terminated = newline >= 0;
            int end = terminated ? start + newline : content.Length;
            number++;
            ReadOnlyMemory<byte> line = content.AsMemory(start, end - start);
            start = terminated ? end + 1 : content.Length;
            if (line.Span.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                (string op, string id, InferenceEventKind kind) = PendingHalfCodec.ReadKey(document.RootElement);
                if (op == PendingHalfCodec.HalfOp)
                {
                    live[(id, kind)] = new JournalLine(line.ToArray(), PendingHalfCodec.DecodeHalf(document.RootElement));
                }
                else
                {
                    live.Remove((id, kind));
                }
            }
            catch (Exception exception) when (IsUnreadable(exception) && !terminated)
            {
                // Only the last line can lack its newline, and a half is acknowledged only after its newline is on disk.
                CollectorLog.JournalTornLine(logger, path, number);
            }
            catch (Exception exception) when (IsUnreadable(exception))
            {
                if (copy is null)
                {
                    copy = path + ".corrupt-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
                    using (var file = new FileStream(copy, OwnerOnly(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
                    {
                        file.Write(content);
                    }
                }

                CollectorLog.JournalCorruptLine(logger, path, number, exception.Message, copy);
            }
        }

        return live;
    }

    /// <summary>Replaces the file with <paramref name="lines"/>: a new file, fsynced, renamed over the old one (the caller then syncs the directory).</summary>
    public static void Rewrite(string path, IEnumerable<JournalLine> lines)
    {
        string temporary = path + ".compact";
        using (var file = new FileStream(temporary, OwnerOnly(FileMode.Create, FileAccess.Write, FileShare.None)))
        {
            foreach (JournalLine line in lines)
            {
                file.Write(line.Line);
                file.WriteByte((byte)'\n');
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Replaces each live half that was journaled as received (by a collector from before halves were redacted)
    /// with its redacted line, so the rewrite that follows leaves no raw body on disk. A half the policy cannot
    /// be applied to keeps its line (it would fail the same way when recorded) and is reported.
    /// </summary>
    public static void RedactRawHalves(Dictionary<(string Id, InferenceEventKind Kind), JournalLine> live, Func<InferenceEvent, InferenceEvent> redact, ILogger logger, string path)
    {
        foreach (((string Id, InferenceEventKind Kind) key, JournalLine line) in live.ToList())
        {
            if (line.Half.Event.Redaction is not null)
            {
                continue;
            }

            try
            {
                InferenceEvent redacted = redact(line.Half.Event);
                byte[] encoded = PendingHalfCodec.EncodeHalf(redacted, line.Half.Received);
                live[key] = new JournalLine(encoded[..^1], line.Half with { Event = redacted });
            }
            catch (Exception exception) when (exception is DecisionLedger.Decisions.DecisionValidationException or DecisionLedger.Redaction.RedactionException)
            {
                JournalLog.RawHalfKept(logger, path, key.Kind == InferenceEventKind.Request ? "request" : "response", key.Id, exception.Message);
            }
        }
    }

    /// <summary>Options that create a file readable and writable by its owner only (0600 on Unix; Windows keeps its ACLs).</summary>
    public static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access, FileShare share, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open)
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    /// <summary>Makes an existing journal owner-only (0600): one created by an earlier version was 0644.</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static bool IsUnreadable(Exception exception) =>
        exception is JsonException or InvalidOperationException or FormatException or ArgumentException;

    /// <summary>Opens the file to append to it, positioned at its end.</summary>
    public static FileStream OpenForAppend(string path)
    {
        // Not FileMode.Append: a failed write is rolled back with SetLength, which Append forbids.
        var file = new FileStream(path, OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 64 * 1024));
        file.Seek(0, SeekOrigin.End);
        return file;
    }
}
