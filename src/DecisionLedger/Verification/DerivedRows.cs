using System.Runtime.InteropServices;

namespace DecisionLedger.Verification;

/// <summary>
/// The rows of a derived table over a <c>seq</c> range, ascending by <c>seq</c>, their values
/// aligned with <see cref="IDerivedTable.Columns"/>. Held flat (one list of values for all rows)
/// so a page of thousands of rows costs a few arrays, not an object per row.
/// </summary>
public sealed class DerivedRows
{
    private readonly List<long> _seqs;
    private readonly List<DerivedValue> _values;

    /// <summary>Creates an empty set of rows.</summary>
    /// <param name="width">The number of columns per row (the table's <see cref="IDerivedTable.Columns"/> count).</param>
    /// <param name="requiredBelow">Every entry with a <c>seq</c> below this must have a row (e.g. an index's watermark; <see cref="long.MaxValue"/> for every entry).</param>
    /// <param name="capacity">The expected number of rows.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="capacity"/> is negative.</exception>
    public DerivedRows(int width, long requiredBelow, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Width = width;
        RequiredBelow = requiredBelow;
        _seqs = new List<long>(capacity);
        _values = new List<DerivedValue>(capacity * width);
    }

    /// <summary>The number of columns per row.</summary>
    public int Width { get; }

    /// <summary>Every entry with a <c>seq</c> below this must have a row; above it, a row is optional but must match when present.</summary>
    public long RequiredBelow { get; }

    /// <summary>The number of rows.</summary>
    public int Count => _seqs.Count;

    /// <summary>Adds a row; rows must be added ascending by <c>seq</c>.</summary>
    /// <param name="seq">The <c>seq</c> the row is filed under.</param>
    /// <param name="values">Its values, one per column.</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold <see cref="Width"/> values.</exception>
    public void Add(long seq, params ReadOnlySpan<DerivedValue> values)
    {
        if (values.Length != Width)
        {
            throw new ArgumentException($"values: a row of this table has {Width} columns, not {values.Length}.", nameof(values));
        }

        _seqs.Add(seq);
        _values.AddRange(values);
    }

    /// <summary>The <c>seq</c> of row <paramref name="row"/>.</summary>
    public long Seq(int row) => _seqs[row];

    /// <summary>The values of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<DerivedValue> Values(int row) => CollectionsMarshal.AsSpan(_values).Slice(row * Width, Width);

    /// <summary>The index of the row filed under <paramref name="seq"/>, or -1.</summary>
    public int IndexOf(long seq)
    {
        int found = CollectionsMarshal.AsSpan(_seqs).BinarySearch(seq);
        return found < 0 ? -1 : found;
    }
}
