using System.Buffers.Binary;
using System.Text;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Encodes rows in PostgreSQL's binary COPY format into one reusable buffer and sends them through
/// a raw COPY stream in large chunks.
/// </summary>
/// <remarks>
/// Replaces <see cref="NpgsqlBinaryImporter"/> on the append path: the importer resolves a type
/// and binds a parameter for every value (twelve per entry), which cost more client CPU than the
/// rest of the append. The column types are fixed here, so each value is a length and its bytes.
/// Values are encoded exactly as Npgsql encodes them (strict UTF-8 text, big-endian integers,
/// <c>timestamptz</c> as microseconds since 2000-01-01 UTC with DateTime.MinValue/MaxValue as
/// -infinity/infinity), so stored rows are byte-identical. Not thread-safe; one per connection.
/// </remarks>
internal sealed class PostgreSqlCopyRows
{
    // Chunks of this size go to the stream (and so to the socket) in one piece; a ~1 KB row
    // never makes the buffer grow past chunk size plus one row.
    private const int ChunkBytes = 64 * 1024;

    // 11-byte signature, 32-bit flags (no OIDs), 32-bit header extension length (none).
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long TimestampEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    // Npgsql's text encoding: invalid UTF-16 (a lone surrogate) is an error, not a silent U+FFFD.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer = new byte[ChunkBytes + 4096];
    private int _length;

    /// <summary>
    /// Runs <paramref name="copyCommand"/> (a <c>COPY … FROM STDIN (FORMAT BINARY)</c>) and sends
    /// every item of <paramref name="rows"/> as one row written by <paramref name="writeRow"/>.
    /// </summary>
    /// <exception cref="PostgresException">The server refused a row (e.g. a unique violation), reported when the COPY completes.</exception>
    public async Task CopyAsync<T>(NpgsqlConnection connection, string copyCommand, IReadOnlyList<T> rows, Action<PostgreSqlCopyRows, T> writeRow, CancellationToken cancellationToken)
    {
        NpgsqlRawCopyStream stream = await connection.BeginRawBinaryCopyAsync(copyCommand, cancellationToken).ConfigureAwait(false);
        bool sent = false;
        try
        {
            _length = 0;
            Append(Header);
            foreach (T row in rows)
            {
                writeRow(this, row);
                if (_length >= ChunkBytes)
                {
                    await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
                    _length = 0;
                }
            }

            WriteInt16(-1);
            await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
            sent = true;
        }
        finally
        {
            _length = 0;
            if (_buffer.Length > 4 * ChunkBytes)
            {
                // A rare huge entry does not keep its buffer alive for the connection's lifetime.
                _buffer = new byte[ChunkBytes + 4096];
            }

            if (!sent && connection.FullState == System.Data.ConnectionState.Open)
            {
                // Abandons the COPY so the caller's exception, not a half-row complaint from the
                // server, reaches the caller (a broken connection has nothing left to abandon).
                await stream.CancelAsync().ConfigureAwait(false);
            }
        }

        // Completing the COPY is where the server reports constraint violations.
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Starts a row of <paramref name="columns"/> values.</summary>
    public void StartRow(short columns) => WriteInt16(columns);

    /// <summary>Writes a <c>bigint</c>.</summary>
    public void WriteInt64(long value)
    {
        Span<byte> span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
    }

    /// <summary>Writes a <c>timestamptz</c> (the instant; the offset is not stored, as with Npgsql).</summary>
    public void WriteTimestamp(DateTimeOffset value)
    {
        DateTime utc = PostgreSqlRows.ToTimestamp(value);
        long microseconds = utc.Ticks == DateTime.MaxValue.Ticks ? long.MaxValue
            : utc.Ticks == DateTime.MinValue.Ticks ? long.MinValue
            : (utc.Ticks - TimestampEpochTicks) / 10;
        WriteInt64(microseconds);
    }

    /// <summary>Writes a <c>text</c> value of <paramref name="column"/>, or NULL when <paramref name="value"/> is null.</summary>
    /// <exception cref="LedgerStoreException">The value is not valid UTF-16 (a lone surrogate), so it has no UTF-8 form PostgreSQL could store.</exception>
    public void WriteText(string? value, string column)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        Span<byte> span = Reserve(4 + Utf8.GetMaxByteCount(value.Length));
        int written;
        try
        {
            written = Utf8.GetBytes(value, span[4..]);
        }
        catch (EncoderFallbackException exception)
        {
            _length -= span.Length;
            throw new LedgerStoreException(
                $"Append rejected: {column} holds text that is not valid UTF-16 (an unpaired surrogate at index {exception.Index}), which PostgreSQL cannot store as text. Nothing of the batch was stored.",
                exception);
        }

        BinaryPrimitives.WriteInt32BigEndian(span, written);
        _length -= span.Length - 4 - written;
    }

    /// <summary>Writes a <c>bytea</c> value.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Span<byte> span = Reserve(4 + value.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, value.Length);
        value.CopyTo(span[4..]);
    }

    /// <summary>Writes a <c>bytea</c> value, or NULL when <paramref name="value"/> is null.</summary>
    public void WriteBytesOrNull(byte[]? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        WriteBytes(value);
    }

    private void WriteNull() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    private void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);

    private void Append(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    // Returns the next `count` bytes of the buffer and counts them as written.
    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
