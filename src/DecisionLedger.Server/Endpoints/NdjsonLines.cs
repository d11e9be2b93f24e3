namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The non-blank lines of an <c>application/x-ndjson</c> body with their 1-based line numbers
/// (blank lines still count, so a reported number is the line the client sees in its file).
/// </summary>
internal readonly ref struct NdjsonLines(ReadOnlySpan<byte> body)
{
    private readonly ReadOnlySpan<byte> _body = body;

    public Enumerator GetEnumerator() => new(_body);

    /// <summary>One line of the body, without its line break.</summary>
    internal readonly ref struct Line(long number, ReadOnlySpan<byte> text)
    {
        public long Number { get; } = number;

        public ReadOnlySpan<byte> Text { get; } = text;
    }

    internal ref struct Enumerator(ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private int _start;
        private long _number;

        public Line Current { get; private set; }

        public bool MoveNext()
        {
            while (_start <= _body.Length)
            {
                int length = _body[_start..].IndexOf((byte)'\n');
                int end = length < 0 ? _body.Length : _start + length;
                _number++;
                ReadOnlySpan<byte> text = _body[_start..end].TrimEnd((byte)'\r');
                _start = end + 1;
                if (!text.Trim(" \t"u8).IsEmpty)
                {
                    Current = new Line(_number, text);
                    return true;
                }
            }

            return false;
        }
    }
}
