using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Reads a file line by line as raw bytes (<c>.gz</c> files decompressed), so that a line with bytes that
/// are not UTF-8 is refused alone, naming its line, instead of failing the whole file or being decoded
/// into replacement characters.
/// </summary>
internal sealed class JsonLinesFile : IAsyncDisposable
{
    private const int ChunkSize = 1 << 16;
    private readonly FileStream _file;
    private readonly Stream _stream;

    private JsonLinesFile(FileStream file, Stream stream)
    {
        _file = file;
        _stream = stream;
    }

    /// <summary>The file's full path.</summary>
    public string Path => _file.Name;

    /// <summary>The file's size in bytes.</summary>
    public long Length => _file.Length;

    /// <summary>How many bytes of the file have been read.</summary>
    public long Position => _file.Position;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="CliException">No such file (exit 2).</exception>
    public static JsonLinesFile Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CliException(ExitCodes.BadInput, $"{full}: no such file; pass the file to import.");
        }

        var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        Stream stream = full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        return new JsonLinesFile(file, stream);
    }

    /// <summary>The first byte that is not white space, or -1 for an empty file; the file is read from the start afterwards.</summary>
    public async Task<int> PeekFirstByteAsync(CancellationToken cancellationToken)
    {
        await using FileStream probe = new(_file.Name, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.Asynchronous);
        Stream stream = _stream is GZipStream ? new GZipStream(probe, CompressionMode.Decompress) : probe;
        await using (stream.ConfigureAwait(false))
        {
            byte[] one = new byte[1];
            while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
            {
                if (one[0] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
                {
                    return one[0];
                }
            }
        }

        return -1;
    }

    /// <summary>Reads the whole (decompressed) file.</summary>
    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        await _stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        return memory.ToArray();
    }

    /// <summary>Yields each line (1-based number, bytes without the line break); blank lines included.</summary>
    public async IAsyncEnumerable<(long Number, byte[] Bytes)> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[ChunkSize];
        int start = 0;
        int end = 0;
        long number = 0;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                number++;
                yield return (number, Line(buffer, start, newline));
                start = newline + 1;
                continue;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int read = await _stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end > 0)
                {
                    number++;
                    yield return (number, Line(buffer, 0, end));
                }

                yield break;
            }

            end += read;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(_stream, _file))
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        await _file.DisposeAsync().ConfigureAwait(false);
    }

    private static byte[] Line(byte[] buffer, int start, int end)
    {
        int length = end - start;
        if (length > 0 && buffer[end - 1] == (byte)'\r')
        {
            length--;
        }

        return buffer.AsSpan(start, length).ToArray();
    }
}
