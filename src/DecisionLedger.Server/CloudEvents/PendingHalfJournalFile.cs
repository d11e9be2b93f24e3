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
                    File.WriteAllBytes(copy, content);
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
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
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

    private static bool IsUnreadable(Exception exception) =>
        exception is JsonException or InvalidOperationException or FormatException or ArgumentException;

    /// <summary>Opens the file to append to it, positioned at its end.</summary>
    public static FileStream OpenForAppend(string path)
    {
        // Not FileMode.Append: a failed write is rolled back with SetLength, which Append forbids.
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 64 * 1024);
        file.Seek(0, SeekOrigin.End);
        return file;
    }
}
