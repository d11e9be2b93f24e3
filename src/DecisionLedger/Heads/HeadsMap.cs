using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// The heads map of a v2 ledger: chain key (<see cref="ChainKeys"/>) → <see cref="ChainHead"/>,
/// committed to by a sparse Merkle tree whose root goes into each <c>heads</c> entry
/// (docs/format.md, section 10).
/// </summary>
/// <remarks>
/// <para><see cref="Set"/> takes effect for <see cref="TryGet"/> at once but hashes nothing;
/// <see cref="ComputeRoot"/> applies every pending change in one pass that rehashes each touched
/// node once. The map keeps key hashes, not keys, so it never holds a subject ref in clear and
/// costs about 136 bytes a key, 48 of them per leaf and 80 per branch (docs/performance.md, "Heads map").</para>
/// <para>Not thread-safe: the sequencer owns one instance and calls it from one thread at a time.</para>
/// </remarks>
public sealed class HeadsMap
{
    private readonly HeadsLeafTable _leaves;
    private readonly HeadsTrie _trie;
    private readonly List<int> _changed = [];
    private int _leavesInTrie;
    private Sha256Hash _root;
    private bool _rootCurrent = true;
    private string? _lastKey;
    private KeyBits _lastKeyBits;
    private KeyBits[] _sortKeys = [];
    private int[] _sortOrder = [];

    /// <summary>Creates an empty map (root: 32 zero bytes).</summary>
    public HeadsMap()
        : this(0)
    {
    }

    private HeadsMap(int capacity)
    {
        _leaves = new HeadsLeafTable(capacity);
        _trie = new HeadsTrie(_leaves, capacity);
    }

    /// <summary>The number of keys, pending ones included.</summary>
    public int Count => _leaves.Count;

    /// <summary>
    /// Approximate bytes held by the map's arrays (leaves, index, branches), for capacity planning.
    /// </summary>
    public long AllocatedBytes => _leaves.AllocatedBytes + _trie.AllocatedBytes;

    /// <summary>Builds a map from many keys at once: sorts them by key hash and hashes every node once.</summary>
    /// <param name="heads">The keys and their heads; each key at most once.</param>
    /// <exception cref="ArgumentException">A key appears twice, or a head is out of range.</exception>
    public static HeadsMap Build(IEnumerable<(string Key, ChainHead Head)> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        int capacity = heads is ICollection<(string, ChainHead)> c ? c.Count : 0;
        var keys = new List<KeyBits>(capacity);
        var values = new List<(ChainHead Head, string Name)>(capacity);
        foreach ((string key, ChainHead head) in heads)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(heads));
            CheckHead(head, nameof(heads));
            keys.Add(KeyBits.From(HeadsMapHasher.KeyHash(key)));
            values.Add((head, key));
        }

        // Sorting the 32-byte keys with an index beside them moves less than sorting the tuples.
        KeyBits[] sorted = [.. keys];
        int[] order = new int[sorted.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(sorted, order);
        var map = new HeadsMap(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && sorted[i].Equals(sorted[i - 1]))
            {
                throw new ArgumentException($"The key '{values[order[i]].Name}' appears more than once; a heads map holds one head per key.", nameof(heads));
            }

            map._leaves.Add(sorted[i], values[order[i]].Head);
        }

        map._trie.BuildSorted(sorted.Length);
        map._leavesInTrie = sorted.Length;
        map._rootCurrent = false;
        return map;
    }

    /// <summary>Looks up a key's head, seeing every <see cref="Set"/> made so far.</summary>
    /// <param name="key">The chain key, e.g. <c>s:&lt;ref&gt;</c>.</param>
    /// <param name="head">The head, or default when the key is absent.</param>
    /// <returns>Whether the key is in the map.</returns>
    public bool TryGet(string key, out ChainHead head)
    {
        int index = _leaves.Find(BitsOf(key));
        head = index < 0 ? default : _leaves[index].Head;
        return index >= 0;
    }

    /// <summary>Sets a key's head; the root reflects it at the next <see cref="ComputeRoot"/>.</summary>
    /// <param name="key">The chain key.</param>
    /// <param name="head">The new head: <c>Last</c> ≥ 0, <c>Count</c> ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The head is out of range.</exception>
    public void Set(string key, ChainHead head)
    {
        CheckHead(head, nameof(head));
        KeyBits bits = BitsOf(key);
        SetAt(_leaves.Find(bits), bits, head);
    }

    /// <summary>The index of the leaf with <paramref name="key"/>, or -1: for <see cref="HeadAt"/> and <see cref="SetAt"/>.</summary>
    internal int IndexOf(in KeyBits key) => _leaves.Find(key);

    /// <summary>The head of the leaf at <paramref name="index"/> (from <see cref="IndexOf"/>).</summary>
    internal ChainHead HeadAt(int index) => _leaves[index].Head;

    /// <summary>
    /// <see cref="Set"/> for a key already hashed and looked up: <paramref name="index"/> is what <see cref="IndexOf"/>
    /// returned for <paramref name="key"/> with no key added since, so the key is neither hashed nor probed again.
    /// </summary>
    /// <returns>The leaf's index (new when the key was absent).</returns>
    internal int SetAt(int index, in KeyBits key, ChainHead head)
    {
        CheckHead(head, nameof(head));
        _rootCurrent = false;
        if (index < 0)
        {
            return _leaves.Add(key, head);
        }

        ref HeadsLeafTable.Leaf leaf = ref _leaves[index];
        leaf.Last = head.Last;
        leaf.Count = head.Count;

        // Leaves added since the last ComputeRoot are inserted then anyway.
        if (index < _leavesInTrie)
        {
            _changed.Add(index);
        }

        return index;
    }

    /// <summary>
    /// Applies every pending <see cref="Set"/> and returns the root: 32 zero bytes for the empty map.
    /// </summary>
    public Sha256Hash ComputeRoot()
    {
        if (_rootCurrent)
        {
            return _root;
        }

        foreach (int index in _changed)
        {
            _trie.MarkPath(_leaves[index].Key);
        }

        InsertNewLeavesInKeyOrder();

        _changed.Clear();
        _leavesInTrie = _leaves.Count;
        _root = _trie.ComputeRoot();
        _rootCurrent = true;
        return _root;
    }

    /// <summary>
    /// A membership or absence proof for <paramref name="key"/> against the current root (pending
    /// sets are applied first, as by <see cref="ComputeRoot"/>).
    /// </summary>
    public MapProof Prove(string key)
    {
        ComputeRoot();
        return _trie.Prove(BitsOf(key));
    }

    /// <summary><see cref="Prove(string)"/> for a key given by its hash.</summary>
    internal MapProof Prove(in KeyBits key)
    {
        ComputeRoot();
        return _trie.Prove(key);
    }

    // New keys arrive in random order, and each insert walks ≈ 20 levels of a trie far larger than the CPU caches. In key
    // order, consecutive inserts walk nearly the same upper path, which is then still cached; the trie (and so the root)
    // is the same for any order.
    private void InsertNewLeavesInKeyOrder()
    {
        int count = _leaves.Count - _leavesInTrie;
        if (count < 2)
        {
            if (count == 1)
            {
                _trie.Insert(_leavesInTrie);
            }

            return;
        }

        if (_sortKeys.Length < count)
        {
            _sortKeys = new KeyBits[count];
            _sortOrder = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            _sortKeys[i] = _leaves[_leavesInTrie + i].Key;
            _sortOrder[i] = _leavesInTrie + i;
        }

        Array.Sort(_sortKeys, _sortOrder, 0, count);
        for (int i = 0; i < count; i++)
        {
            _trie.Insert(_sortOrder[i]);
        }
    }

    // The sequencer reads a chain's head and then sets it (TryGet, Set): hashing the key once
    // for both halves the SHA-256 work of the pair.
    private KeyBits BitsOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!string.Equals(key, _lastKey, StringComparison.Ordinal))
        {
            _lastKeyBits = KeyBits.From(HeadsMapHasher.KeyHash(key));
            _lastKey = key;
        }

        return _lastKeyBits;
    }

    private static void CheckHead(ChainHead head, string name)
    {
        if (head.Last < 0)
        {
            throw new ArgumentOutOfRangeException(name, head.Last, "A chain head's Last is the seq of the chain's last entry and cannot be negative.");
        }

        if (head.Count < 1)
        {
            throw new ArgumentOutOfRangeException(name, head.Count, "A chain head's Count is the number of entries in the chain and must be at least 1.");
        }
    }
}
