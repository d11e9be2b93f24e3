using System.Runtime.CompilerServices;
using Parquet;

namespace DecisionLedger.Archiving;

/// <summary>Writes archive rows as one Parquet file: Zstd-compressed row groups of at most <see cref="ArchiveParquetSchema.MaxRowGroupRows"/> rows.</summary>
public static class ArchiveParquetWriter
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="output"/> as a Parquet file with <see cref="ArchiveParquetSchema.Schema"/>.</summary>
    /// <param name="output">A writable, seekable stream positioned where the file starts (Parquet.Net seeks while writing the footer).</param>
    /// <param name="rows">The rows, sorted by strictly increasing seq; at least one.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the footer is written.</returns>
    /// <exception cref="ArgumentException">No rows, or the seqs are not strictly increasing (the message names the seq).</exception>
    public static async Task WriteAsync(Stream output, IReadOnlyList<ArchiveRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("rows: empty; an archive file holds at least one decision entry.", nameof(rows));
        }

        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Seq <= rows[i - 1].Seq)
            {
                throw new ArgumentException($"rows: seq {rows[i].Seq} follows seq {rows[i - 1].Seq}; an archive file's rows are sorted by strictly increasing seq.", nameof(rows));
            }
        }

        // Zstd: the entries are JSON with many repeated member names, which it compresses far better than Snappy.
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Optimal };
        ParquetWriter writer = await ParquetWriter.CreateAsync(ArchiveParquetSchema.Schema, output, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable disposeWriter = writer.ConfigureAwait(false);
        for (int start = 0; start < rows.Count; start += ArchiveParquetSchema.MaxRowGroupRows)
        {
            int count = Math.Min(ArchiveParquetSchema.MaxRowGroupRows, rows.Count - start);
            ArchiveRow[] group = new ArchiveRow[count];
            for (int i = 0; i < count; i++)
            {
                group[i] = rows[start + i];
            }

            using ParquetRowGroupWriter rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<long>(ArchiveParquetSchema.Seq, group.Select(r => r.Seq).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.RequestId, group.Select(r => (string?)r.RequestId).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync<long>(ArchiveParquetSchema.Timestamp, group.Select(r => r.Timestamp).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Model, group.Select(r => r.Model).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Version, group.Select(r => r.Version).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Subject, group.Select(r => r.Subject).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Entry, group.Select(r => (byte[]?)r.Entry).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Input, group.Select(r => r.Input).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(ArchiveParquetSchema.Salt, group.Select(r => r.Salt).ToArray()).ConfigureAwait(false);
            rowGroup.CompleteValidate();
        }
    }

    /// <summary>Writes <paramref name="rows"/> to a new in-memory Parquet file.</summary>
    /// <param name="rows">The rows, sorted by strictly increasing seq; at least one.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="ArgumentException">As for <see cref="WriteAsync"/>.</exception>
    public static async Task<byte[]> ToBytesAsync(IReadOnlyList<ArchiveRow> rows, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await WriteAsync(buffer, rows, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
