using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Access;

/// <summary>
/// The append-only access log <c>access.log.jsonl</c> in the ledger directory: one JSON line per
/// read of decisions through the API, so "who looked at this decision?" is answerable.
/// A read is logged before its response is sent; if the log cannot be written the read fails.
/// </summary>
public sealed class AccessLog
{
    /// <summary>The log file's name inside the ledger directory.</summary>
    public const string FileName = "access.log.jsonl";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a log over <c>access.log.jsonl</c> in <paramref name="ledgerDirectory"/>; the file need not exist yet.</summary>
    /// <param name="ledgerDirectory">The ledger directory.</param>
    public AccessLog(string ledgerDirectory)
    {
        ArgumentNullException.ThrowIfNull(ledgerDirectory);
        FilePath = Path.Combine(ledgerDirectory, FileName);
    }

    /// <summary>The JSON contract of one line (camelCase), for callers that print records.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<AccessRecord> JsonTypeInfo => AccessLogJsonContext.Default.AccessRecord;

    /// <summary>The log file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Appends <paramref name="record"/> as one line and flushes it to disk.</summary>
    /// <param name="record">The read to log.</param>
    /// <param name="cancellationToken">Cancels waiting for the file.</param>
    /// <exception cref="IOException">The log could not be written.</exception>
    public async Task AppendAsync(AccessRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] line = JsonSerializer.SerializeToUtf8Bytes(record, AccessLogJsonContext.Default.AccessRecord);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var streamOptions = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                Options = FileOptions.Asynchronous,
            };
            if (!OperatingSystem.IsWindows())
            {
                streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(FilePath, streamOptions);
            await using (stream.ConfigureAwait(false))
            {
                // One write per line, newline included, so concurrent appenders never interleave within a line.
                byte[] withNewline = new byte[line.Length + 1];
                line.CopyTo(withNewline, 0);
                withNewline[^1] = (byte)'\n';
                await stream.WriteAsync(withNewline, CancellationToken.None).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the log, oldest first, optionally only the reads that returned <paramref name="requestId"/>.</summary>
    /// <param name="requestId">Only reads of this decision; null for all.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidDataException">A line is not an access record; the message names the line.</exception>
    public async IAsyncEnumerable<AccessRecord> ReadAsync(string? requestId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(FilePath))
        {
            yield break;
        }

        var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            AccessRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(line, AccessLogJsonContext.Default.AccessRecord);
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"{FilePath}: line {lineNumber} is not an access record ({exception.Message}); the log was edited or truncated.", exception);
            }

            if (record is not null && (requestId is null || record.RequestIds.Contains(requestId, StringComparer.Ordinal)))
            {
                yield return record;
            }
        }
    }
}
