using System.Threading.Channels;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// The pending-halves journal: an append-only file (one JSON line per accepted half, one tombstone line per
/// recorded half) that makes a half durable before the collector answers 202, so a crash between the 202 and
/// the recording loses nothing: the next start replays it. Appends are group-committed (one write and one
/// fsync for every half that arrived meanwhile), the file is compacted when it is mostly tombstones, and a
/// lock file keeps a second collector off it.
/// </summary>
internal sealed class PendingHalfJournal : IAsyncDisposable
{
    /// <summary>The journal's file name in the ledger directory.</summary>
    public const string FileName = "cloudevents-pending.jsonl";

    /// <summary>The journal is rewritten with only its live halves once it holds this many lines and at most a quarter of them are live.</summary>
    public const int CompactAfterLines = 4096;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileStream _lock;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private FileStream _file;
    private long _lines;
    private long _live;
    private Exception? _broken;

    private PendingHalfJournal(string path, ILogger logger, TimeProvider time, FileStream lockFile, FileStream file, long live)
    {
        FilePath = path;
        _logger = logger;
        _time = time;
        _lock = lockFile;
        _file = file;
        _lines = live;
        _live = live;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The journal file.</summary>
    public string FilePath { get; }

    /// <summary>Lines in the file now (live halves and tombstones); compaction brings it back to the live halves.</summary>
    public long LineCount => Interlocked.Read(ref _lines);

    /// <summary>
    /// Opens (or creates) the journal at <paramref name="path"/> and replays it: returns every half accepted and
    /// not yet recorded. A torn final line (a crash cut it short before it was acknowledged) is ignored; a
    /// corrupt line before it is reported as an error and the file as found is copied beside it. The file is
    /// then rewritten with only the live halves, each redacted by <paramref name="redact"/> (a journal written
    /// before halves were redacted loses its raw bodies here), owner-only (0600 on Unix).
    /// </summary>
    /// <exception cref="CloudEventJournalException">Another collector holds the journal, or it cannot be read or written.</exception>
    public static PendingHalfJournal Open(string path, TimeProvider time, ILogger logger, Func<InferenceEvent, InferenceEvent> redact, out IReadOnlyList<JournaledHalf> halves)
    {
        path = Path.GetFullPath(path);
        FileStream lockFile;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            lockFile = new FileStream(path + ".lock", PendingHalfJournalFile.OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception) when (exception.GetType() == typeof(IOException) && File.Exists(path + ".lock"))
        {
            // A plain IOException on a lock file that exists is the lock held (Linux reports EWOULDBLOCK, Windows a sharing violation).
            throw new CloudEventJournalException($"{path}: the CloudEvents pending-halves journal is held by another collector ({exception.Message}); give each collector its own ledger directory or its own journal (dledger serve --cloudevent-journal FILE, CollectorOptions.CloudEventJournalPath).", exception, heldElsewhere: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CloudEventJournalException($"{path}.lock: the CloudEvents pending-halves journal's lock file cannot be created ({exception.Message}); check the directory's permissions and free space.", exception);
        }

        try
        {
            byte[] content = File.Exists(path) ? File.ReadAllBytes(path) : [];
            PendingHalfJournalFile.RestrictToOwner(path);
            PendingHalfJournalFile.RestrictToOwner(path + ".lock");
            Dictionary<(string Id, InferenceEventKind Kind), JournalLine> live = PendingHalfJournalFile.ReadLive(content, path, logger, time);
            PendingHalfJournalFile.RedactRawHalves(live, redact, logger, path);
            halves = [.. live.Values.Select(line => line.Half)];
            PendingHalfJournalFile.Rewrite(path, live.Values);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return new PendingHalfJournal(path, logger, time, lockFile, PendingHalfJournalFile.OpenForAppend(path), live.Count);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            lockFile.Dispose();
            throw new CloudEventJournalException($"{path}: the CloudEvents pending-halves journal cannot be read or written ({exception.Message}); check the file and its directory's permissions and free space.", exception);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Appends a half's line (<see cref="PendingHalfCodec.EncodeHalf"/>); completes once it is on disk (fsync).</summary>
    /// <exception cref="CloudEventJournalException">The line could not be written or synced; the half is not durable.</exception>
    public Task AppendHalfAsync(byte[] line)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writes.Writer.TryWrite(new Write(line, durable, +1)))
        {
            durable.SetException(new CloudEventJournalException($"{FilePath}: the pending-halves journal is closed (the collector is stopping)."));
        }

        return durable.Task;
    }

    /// <summary>Appends the tombstone of a recorded half; not awaited (a lost tombstone only makes the next start replay a half the ledger then refuses as a duplicate).</summary>
    public void AppendDone(InferenceEvent half)
    {
        if (!_writes.Writer.TryWrite(new Write(PendingHalfCodec.EncodeDone(half.Id, half.Kind), null, -1)))
        {
            CollectorLog.JournalTombstoneFailed(_logger, new InvalidOperationException("the journal is closed"), FilePath);
        }
    }

    /// <summary>Writes what is queued, compacts the file to its live halves (empty when none is left) and releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_broken is null)
        {
            try
            {
                Compact();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The file as it is stays valid: the next start replays it.
                CollectorLog.JournalTombstoneFailed(_logger, exception, FilePath);
            }
        }

        await _file.DisposeAsync().ConfigureAwait(false);
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Write>(64);
        ChannelReader<Write> reader = _writes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 4096 && reader.TryRead(out Write? write))
            {
                batch.Add(write);
            }

            Exception? failure = WriteBatch(batch);
            foreach (Write write in batch)
            {
                if (write.Durable is null)
                {
                    if (failure is not null)
                    {
                        CollectorLog.JournalTombstoneFailed(_logger, failure, FilePath);
                    }
                }
                else if (failure is null)
                {
                    write.Durable.TrySetResult();
                }
                else
                {
                    write.Durable.TrySetException(new CloudEventJournalException($"{FilePath}: the half could not be made durable ({failure.Message}); it was NOT accepted.", failure));
                }
            }

            // Compacted when mostly tombstones, and as soon as nothing is pending: a recorded half leaves no line behind.
            if (failure is null && ((_lines >= CompactAfterLines && _live * 4 <= _lines) || (_live == 0 && _lines > 0)))
            {
                try
                {
                    Compact();
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // The uncompacted file stays valid; the next batch tries again.
                    CollectorLog.JournalTombstoneFailed(_logger, exception, FilePath);
                }
            }
        }
    }

    private Exception? WriteBatch(List<Write> batch)
    {
        if (_broken is not null)
        {
            return _broken;
        }

        long start = _file.Position;
        try
        {
            foreach (Write write in batch)
            {
                _file.Write(write.Line);
            }

            _file.Flush(flushToDisk: true);
            Interlocked.Add(ref _lines, batch.Count);
            _live = Math.Max(0, _live + batch.Sum(write => write.LiveDelta));
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            try
            {
                // Take the partial lines back, so the next append does not turn them into a corrupt middle line.
                _file.SetLength(start);
                _file.Seek(start, SeekOrigin.Begin);
                _file.Flush(flushToDisk: true);
            }
            catch (Exception rollback) when (rollback is IOException or UnauthorizedAccessException)
            {
                _broken = exception;
            }

            return exception;
        }
    }

    /// <summary>Rewrites the file with only its live halves (read back from the file itself, so the count is exact).</summary>
    private void Compact()
    {
        _file.Flush(flushToDisk: true);
        byte[] content;
        using (var reader = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            content = new byte[reader.Length];
            reader.ReadExactly(content);
        }

        Dictionary<(string Id, InferenceEventKind Kind), JournalLine> live = PendingHalfJournalFile.ReadLive(content, FilePath, _logger, _time);
        PendingHalfJournalFile.Rewrite(FilePath, live.Values);
        FileStream old = _file;
        _file = PendingHalfJournalFile.OpenForAppend(FilePath);
        old.Dispose();
        Interlocked.Exchange(ref _lines, live.Count);
        _live = live.Count;

        // After the switch to the new file: were this to fail, appends must still go to the file the directory names.
        DirectorySync.Flush(Path.GetDirectoryName(FilePath)!);
    }

    private sealed record Write(byte[] Line, TaskCompletionSource? Durable, int LiveDelta);
}
