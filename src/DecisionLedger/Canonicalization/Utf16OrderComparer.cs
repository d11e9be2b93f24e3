namespace DecisionLedger.Canonicalization;

/// <summary>
/// Orders property slots by the UTF-16 code units of their names (RFC 8785 §3.2.3) while
/// comparing the names as UTF-8, so no name is ever decoded to a string.
/// </summary>
/// <remarks>
/// UTF-8 byte order equals code point order, which equals UTF-16 order except that
/// U+E000–U+FFFF (lead bytes EE, EF) sort after supplementary characters (lead bytes
/// F0–F4, surrogates D800–DBFF in UTF-16). Equal prefixes end on a character boundary in
/// both names, so fixing up that one case at the first differing byte is enough.
/// </remarks>
internal readonly struct Utf16OrderComparer(byte[] names)
{
    public int Compare(PropertySlot x, PropertySlot y) =>
        CompareUtf8(names.AsSpan(x.NameStart, x.NameLength), names.AsSpan(y.NameStart, y.NameLength));

    /// <summary>
    /// Sorts in place without allocating: MemoryExtensions.Sort wraps a struct comparer in a
    /// delegate (an allocation per object), which the hot path cannot afford.
    /// </summary>
    public void Sort(Span<PropertySlot> slots)
    {
        // Insertion sort wins for the small objects that dominate; heapsort bounds the rest.
        if (slots.Length <= 16)
        {
            for (int i = 1; i < slots.Length; i++)
            {
                PropertySlot current = slots[i];
                int j = i - 1;
                while (j >= 0 && Compare(slots[j], current) > 0)
                {
                    slots[j + 1] = slots[j];
                    j--;
                }

                slots[j + 1] = current;
            }

            return;
        }

        for (int start = (slots.Length / 2) - 1; start >= 0; start--)
        {
            SiftDown(slots, start, slots.Length);
        }

        for (int end = slots.Length - 1; end > 0; end--)
        {
            (slots[0], slots[end]) = (slots[end], slots[0]);
            SiftDown(slots, 0, end);
        }
    }

    private void SiftDown(Span<PropertySlot> slots, int root, int count)
    {
        while (true)
        {
            int child = (2 * root) + 1;
            if (child >= count)
            {
                return;
            }

            if (child + 1 < count && Compare(slots[child], slots[child + 1]) < 0)
            {
                child++;
            }

            if (Compare(slots[root], slots[child]) >= 0)
            {
                return;
            }

            (slots[root], slots[child]) = (slots[child], slots[root]);
            root = child;
        }
    }

    public static int CompareUtf8(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        int common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        byte a = x[common];
        byte b = y[common];
        if (a is 0xEE or 0xEF && b >= 0xF0)
        {
            return 1;
        }

        if (b is 0xEE or 0xEF && a >= 0xF0)
        {
            return -1;
        }

        return a.CompareTo(b);
    }
}
