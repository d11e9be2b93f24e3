using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>Byte-exact comparisons of stored values (records holding arrays compare arrays by reference).</summary>
public static class StoreAssert
{
    /// <summary>Asserts two entries agree in seq, canonical bytes, leaf hash and every column.</summary>
    public static void Equal(StoredEntry expected, StoredEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.CanonicalBytes, actual.CanonicalBytes);
        Assert.Equal(expected.LeafHash, actual.LeafHash);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Columns.Timestamp.UtcTicks, actual.Columns.Timestamp.UtcTicks);
    }

    /// <summary>Asserts two entry sequences agree element by element.</summary>
    public static void Equal(IReadOnlyList<StoredEntry> expected, IReadOnlyList<StoredEntry> actual)
    {
        Assert.Equal(expected.Select(e => e.Seq), actual.Select(e => e.Seq));
        for (int i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i]);
        }
    }

    /// <summary>Asserts two stored inputs agree byte for byte.</summary>
    public static void Equal(StoredInput expected, StoredInput? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.Salt, actual.Salt);
        Assert.Equal(expected.Input, actual.Input);
    }

    /// <summary>Asserts two checkpoints agree, the creation time to the microsecond.</summary>
    public static void Equal(StoredCheckpoint expected, StoredCheckpoint? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.TreeSize, actual.TreeSize);
        Assert.Equal(expected.RootHash, actual.RootHash);
        Assert.Equal(expected.SignedNote, actual.SignedNote);
        Assert.Equal(expected.CreatedAt.UtcTicks / 10, actual.CreatedAt.UtcTicks / 10);
    }
}
