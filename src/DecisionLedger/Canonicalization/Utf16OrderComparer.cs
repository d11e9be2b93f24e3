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
internal readonly struct Utf16OrderComparer(byte[] names) : IComparer<PropertySlot>
{
    public int Compare(PropertySlot x, PropertySlot y) =>
        CompareUtf8(names.AsSpan(x.NameStart, x.NameLength), names.AsSpan(y.NameStart, y.NameLength));

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
