namespace DecisionLedger.Bundles;

/// <summary>Reads a bundle's <c>.jsonl</c> file one line at a time, byte-exact (no decoding, no trimming).</summary>
internal sealed class JsonLinesReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    private JsonLinesReader(Stream stream) => _stream = stream;

    /// <summary>Whether the file existed; a missing file reads as empty.</summary>
    public bool Exists { get; private init; }

    /// <summary>Opens <paramref name="path"/>; a missing file reads as no lines.</summary>
    public static JsonLinesReader Open(string path) => File.Exists(path)
        ? new JsonLinesReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true)) { Exists = true }
        : new JsonLinesReader(Stream.Null);

    /// <summary>
    /// Returns the next line without its <c>\n</c> (or <c>\r\n</c>), or null at the end; a last line
    /// without <c>\n</c> is still returned.
    /// </summary>
    /// <remarks>
    /// CRLF is accepted as a line ending, as a bundle copied through a Windows tool arrives: a
    /// canonical entry, input or proof line never ends in <c>\r</c> (it ends in <c>}</c>), so
    /// dropping one cannot hide an edit; the bytes left are still the ones hashed.
    /// </remarks>
    public async ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                int length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == (byte)'\r')
                {
                    length--;
                }

                byte[] line = _buffer.AsSpan(_start, length).ToArray();
                _start = newline + 1;
                return line;
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    return null;
                }

                byte[] last = _buffer.AsSpan(_start, _end - _start).ToArray();
                _start = _end;
                return last;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _eof = read == 0;
            _end += read;
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
