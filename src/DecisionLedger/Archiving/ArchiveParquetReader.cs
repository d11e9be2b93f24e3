using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace DecisionLedger.Archiving;

/// <summary>Reads an archive file's rows back, refusing a file whose columns are not <see cref="ArchiveParquetSchema.Schema"/>.</summary>
public static class ArchiveParquetReader
{
    /// <summary>Reads every row of the archive file in <paramref name="input"/>, in file order.</summary>
    /// <param name="input">The file; a stream that cannot seek is first copied into memory.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows, in the order they are stored (the writer sorts them by seq; a reader must not assume it).</returns>
    /// <exception cref="InvalidDataException">The bytes are not a Parquet file, or a column of the archive schema is missing or null where it is required; the message names the column.</exception>
    public static async Task<IReadOnlyList<ArchiveRow>> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        Stream seekable = input;
        MemoryStream? copy = null;
        if (!input.CanSeek)
        {
            copy = new MemoryStream();
            await input.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            seekable = copy;
        }

        try
        {
            return await ReadSeekableAsync(seekable, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or NotSupportedException or ArgumentException or IndexOutOfRangeException or OverflowException && e is not InvalidDataException)
        {
            throw new InvalidDataException($"The archive file is not a readable Parquet file: {e.Message}", e);
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads one string column of the archive file in <paramref name="input"/>, in file order, without
    /// decoding the others: look-ups by subject or request id decide from it whether the file's rows
    /// are needed at all.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a Parquet file, or the column is missing.</exception>
    internal static async Task<List<string?>> ReadColumnAsync(MemoryStream input, DataField<string> column, CancellationToken cancellationToken)
    {
        try
        {
            ParquetReader reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable disposeReader = reader.ConfigureAwait(false);
            DataField field = reader.Schema.GetDataFields().FirstOrDefault(f => string.Equals(f.Name, column.Name, StringComparison.Ordinal))
                ?? throw new InvalidDataException($"{column.Name}: column missing.");
            var values = new List<string?>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                string?[] chunk = new string?[checked((int)group.RowCount)];
                await group.ReadAsync(field, chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
                values.AddRange(chunk);
            }

            return values;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or NotSupportedException or ArgumentException or IndexOutOfRangeException or OverflowException && e is not InvalidDataException)
        {
            throw new InvalidDataException($"The archive file is not a readable Parquet file: {e.Message}", e);
        }
    }

    private static async Task<IReadOnlyList<ArchiveRow>> ReadSeekableAsync(Stream input, CancellationToken cancellationToken)
    {
        ParquetReader reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable disposeReader = reader.ConfigureAwait(false);
        DataField[] fields = reader.Schema.GetDataFields();
        DataField Field(DataField expected) =>
            fields.FirstOrDefault(f => string.Equals(f.Name, expected.Name, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{expected.Name}: column missing; an archive file has the columns {string.Join(", ", ArchiveParquetSchema.Schema.GetDataFields().Select(f => f.Name))}.");

        var rows = new List<ArchiveRow>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            long[] seqs = new long[count];
            long[] timestamps = new long[count];
            string?[] requestIds = new string?[count];
            string?[] models = new string?[count];
            string?[] versions = new string?[count];
            string?[] subjects = new string?[count];
            byte[]?[] entries = new byte[]?[count];
            byte[]?[] inputs = new byte[]?[count];
            byte[]?[] salts = new byte[]?[count];
            await group.ReadAsync<long>(Field(ArchiveParquetSchema.Seq), seqs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.RequestId), requestIds, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync<long>(Field(ArchiveParquetSchema.Timestamp), timestamps, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Model), models, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Version), versions, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Subject), subjects, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Entry), entries, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Input), inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field(ArchiveParquetSchema.Salt), salts, cancellationToken: cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < count; i++)
            {
                rows.Add(new ArchiveRow(
                    seqs[i],
                    requestIds[i] ?? throw new InvalidDataException($"request_id: null in the row of seq {seqs[i]}; the column is required."),
                    timestamps[i],
                    models[i],
                    versions[i],
                    subjects[i],
                    entries[i] ?? throw new InvalidDataException($"entry: null in the row of seq {seqs[i]}; the column is required."),
                    inputs[i],
                    salts[i]));
            }
        }

        return rows;
    }
}
