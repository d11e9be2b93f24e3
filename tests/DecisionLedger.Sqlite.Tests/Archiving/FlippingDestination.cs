using DecisionLedger.Archiving;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>A real directory destination whose Parquet files get one byte flipped on the way to disk, as a failing disk or a buggy object store would.</summary>
internal sealed class FlippingDestination(DirectoryArchiveDestination inner) : IArchiveDestination
{
    public string Describe() => inner.Describe();

    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        byte[] bytes = buffer.ToArray();
        if (path.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
        {
            bytes[bytes.Length / 2] ^= 0x01;
        }

        await inner.WriteAsync(path, new MemoryStream(bytes), cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default) => inner.OpenReadAsync(path, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);
}
