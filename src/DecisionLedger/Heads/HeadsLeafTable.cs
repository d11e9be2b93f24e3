namespace DecisionLedger.Heads;

/// <summary>
/// The leaves of a heads map in one array of structs, found by key hash through an
/// open-addressing table of leaf indexes.
/// </summary>
/// <remarks>
/// A <see cref="Dictionary{TKey,TValue}"/> keyed by the hash would store every 32-byte key a
/// second time (about 52 bytes a key); the index table stores only 4-byte indexes at a load of at
/// most one half, about 8 bytes a key. Keys are never removed (a chain never ends), so there are
/// no tombstones.
/// </remarks>
internal sealed class HeadsLeafTable
{
    private const int MinimumSlots = 16;

    private Leaf[] _leaves;
    private int[] _slots; // leaf index + 1; 0 is a free slot
    private int _count;

    public HeadsLeafTable(int capacity = 0)
    {
        _leaves = new Leaf[Math.Max(capacity, 4)];
        _slots = new int[SlotsFor(capacity)];
    }

    public int Count => _count;

    /// <summary>The leaf at <paramref name="index"/>; the reference is valid until the next <see cref="Add"/>.</summary>
    public ref Leaf this[int index] => ref _leaves[index];

    /// <summary>The index of the leaf with <paramref name="key"/>, or -1.</summary>
    public int Find(in KeyBits key)
    {
        int mask = _slots.Length - 1;
        for (int slot = key.GetHashCode() & mask; ; slot = (slot + 1) & mask)
        {
            int entry = _slots[slot];
            if (entry == 0)
            {
                return -1;
            }

            if (_leaves[entry - 1].Key.Equals(key))
            {
                return entry - 1;
            }
        }
    }

    /// <summary>Appends a leaf whose key is not in the table yet and returns its index.</summary>
    public int Add(in KeyBits key, ChainHead head)
    {
        if (_count == _leaves.Length)
        {
            Array.Resize(ref _leaves, _leaves.Length * 2);
        }

        int index = _count++;
        _leaves[index] = new Leaf(key, head.Last, head.Count);
        if (_count * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }
        else
        {
            Place(index);
        }

        return index;
    }

    /// <summary>Approximate bytes held by the arrays.</summary>
    public long AllocatedBytes => ((long)_leaves.Length * Leaf.Size) + ((long)_slots.Length * sizeof(int));

    private static int SlotsFor(int count)
    {
        int slots = MinimumSlots;
        while (slots < count * 2)
        {
            slots *= 2;
        }

        return slots;
    }

    private void Rehash(int slotCount)
    {
        _slots = new int[slotCount];
        for (int i = 0; i < _count; i++)
        {
            Place(i);
        }
    }

    private void Place(int index)
    {
        int mask = _slots.Length - 1;
        int slot = _leaves[index].Key.GetHashCode() & mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _slots[slot] = index + 1;
    }

    /// <summary>One key and its chain head.</summary>
    internal struct Leaf(KeyBits key, long last, long count)
    {
        public const int Size = 48;

        public readonly KeyBits Key = key;
        public long Last = last;
        public long Count = count;

        public readonly ChainHead Head => new(Last, Count);

        public readonly DecisionLedger.Hashing.Sha256Hash Hash() => HeadsMapHasher.LeafHash(Key.ToHash(), Last, Count);
    }
}
