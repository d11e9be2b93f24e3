namespace DecisionLedger.Randomness;

/// <summary>
/// Serves small random requests from per-thread blocks drawn from an inner source, so the hot
/// path (a request id per decision) makes one system call per few hundred decisions.
/// </summary>
internal sealed class BufferedRandomSource(IRandomSource inner) : IRandomSource, IDisposable
{
    private const int BlockSize = 4096;
    private const int MaxBuffered = 64;

    private readonly ThreadLocal<Block> _blocks = new(() => new Block());

    public void Fill(Span<byte> destination)
    {
        if (destination.Length > MaxBuffered)
        {
            inner.Fill(destination);
            return;
        }

        Block block = _blocks.Value!;
        if (block.Next + destination.Length > BlockSize)
        {
            inner.Fill(block.Bytes);
            block.Next = 0;
        }

        Span<byte> source = block.Bytes.AsSpan(block.Next, destination.Length);
        source.CopyTo(destination);

        // Served bytes are cleared so they never linger in memory after use.
        source.Clear();
        block.Next += destination.Length;
    }

    public void Dispose() => _blocks.Dispose();

    private sealed class Block
    {
        public byte[] Bytes { get; } = new byte[BlockSize];

        // Starts exhausted, so the first request draws a block.
        public int Next { get; set; } = BlockSize;
    }
}
