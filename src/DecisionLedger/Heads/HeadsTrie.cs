using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// The heads map's tree kept as a compressed binary trie: one branch node per point where two
/// key paths part, each caching the hash of its subtree at its own depth.
/// </summary>
/// <remarks>
/// <para>The hash rules (docs/format.md, section 10) give every depth between the root and a
/// split a node of its own, <c>H(0x01 ‖ h ‖ empty)</c> or <c>H(0x01 ‖ empty ‖ h)</c>; the trie stores
/// only the splits (n − 1 branches for n leaves) and recomputes those one-sided nodes when it
/// needs a branch's hash higher up ("lifting"). With uniformly random key hashes a branch sits on
/// average less than one level below its parent's child position, so lifting is cheap.</para>
/// <para>Node references are ints: ≥ 0 a branch index, &lt; 0 the complement of a leaf index,
/// <see cref="None"/> nothing. Branches live in one array of structs; an update marks the branches
/// on its path dirty and <see cref="ComputeRoot"/> rehashes each dirty branch once, so paths that
/// a batch shares are hashed once per batch.</para>
/// </remarks>
internal sealed class HeadsTrie
{
    public const int None = int.MinValue;

    private readonly HeadsLeafTable _leaves;
    private Branch[] _branches;
    private int _branchCount;
    private int _root = None;

    public HeadsTrie(HeadsLeafTable leaves, int capacity = 0)
    {
        _leaves = leaves;
        _branches = new Branch[Math.Max(capacity, 4)];
    }

    /// <summary>Approximate bytes held by the branch array.</summary>
    public long AllocatedBytes => (long)_branches.Length * Branch.Size;

    /// <summary>Marks every branch on the path to an existing leaf dirty (its value changed).</summary>
    public void MarkPath(in KeyBits key)
    {
        int node = _root;
        while (node >= 0)
        {
            ref Branch branch = ref _branches[node];
            branch.Dirty = true;
            node = key.Bit(branch.Depth) == 0 ? branch.Left : branch.Right;
        }
    }

    /// <summary>Adds a leaf (already in the leaf table, key not yet in the trie) and marks its path dirty.</summary>
    public void Insert(int leafIndex)
    {
        KeyBits key = _leaves[leafIndex].Key;
        if (_root == None)
        {
            _root = ~leafIndex;
            return;
        }

        // Where would the key's path end today? The first bit where it parts from that leaf is
        // the depth of the new branch.
        int node = _root;
        while (node >= 0)
        {
            ref Branch branch = ref _branches[node];
            node = key.Bit(branch.Depth) == 0 ? branch.Left : branch.Right;
        }

        int depth = key.CommonPrefixLength(_leaves[~node].Key);
        int parent = None;
        node = _root;
        while (node >= 0 && _branches[node].Depth < depth)
        {
            ref Branch branch = ref _branches[node];
            branch.Dirty = true;
            parent = node;
            node = key.Bit(branch.Depth) == 0 ? branch.Left : branch.Right;
        }

        int created = NewBranch(depth, key.Bit(depth) == 0 ? ~leafIndex : node, key.Bit(depth) == 0 ? node : ~leafIndex, leafIndex);
        if (parent == None)
        {
            _root = created;
        }
        else if (key.Bit(_branches[parent].Depth) == 0)
        {
            _branches[parent].Left = created;
        }
        else
        {
            _branches[parent].Right = created;
        }
    }

    /// <summary>
    /// Builds the trie over leaves <c>[0, count)</c> of the table, which must be sorted by key and
    /// distinct, hashing every branch once.
    /// </summary>
    public void BuildSorted(int count)
    {
        _branchCount = 0;
        _root = count == 0 ? None : Build(0, count);
    }

    /// <summary>Rehashes the dirty branches and returns the root: the hash of everything at depth 0.</summary>
    public Sha256Hash ComputeRoot() => HashAt(_root, 0);

    /// <summary>The proof for <paramref name="key"/>; call only when no branch is dirty.</summary>
    public MapProof Prove(in KeyBits key)
    {
        var siblings = new List<Sha256Hash>();
        int node = _root;
        int depth = 0;
        while (node >= 0)
        {
            Branch branch = _branches[node];
            KeyBits inside = _leaves[branch.AnyLeaf].Key;

            // Between depth and the split, every key below the branch shares its bits; where the
            // proven key parts from them, its side is empty and the branch is the sibling.
            int parted = key.CommonPrefixLength(inside);
            if (parted < branch.Depth)
            {
                for (; depth < parted; depth++)
                {
                    siblings.Add(HeadsMapHasher.Empty);
                }

                siblings.Add(HashAt(node, parted + 1));
                return new MapProof(siblings, null);
            }

            for (; depth < branch.Depth; depth++)
            {
                siblings.Add(HeadsMapHasher.Empty);
            }

            bool left = key.Bit(branch.Depth) == 0;
            siblings.Add(HashAt(left ? branch.Right : branch.Left, branch.Depth + 1));
            node = left ? branch.Left : branch.Right;
            depth = branch.Depth + 1;
        }

        if (node == None)
        {
            return new MapProof(siblings, null);
        }

        ref HeadsLeafTable.Leaf leaf = ref _leaves[~node];
        return new MapProof(siblings, new MapLeaf(leaf.Key.ToHash(), leaf.Last, leaf.Count));
    }

    private int Build(int from, int to)
    {
        if (to - from == 1)
        {
            return ~from;
        }

        KeyBits first = _leaves[from].Key;
        int depth = first.CommonPrefixLength(_leaves[to - 1].Key);

        // Sorted, so the keys with a 0 at the split come first; find the first 1.
        int low = from + 1;
        int high = to - 1;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_leaves[middle].Key.Bit(depth) == 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        int left = Build(from, low);
        int right = Build(low, to);
        int created = NewBranch(depth, left, right, from);
        _branches[created].Hash = HeadsMapHasher.NodeHash(HashAt(left, depth + 1), HashAt(right, depth + 1));
        _branches[created].Dirty = false;
        return created;
    }

    // The hash of the subtree `node` as seen from depth `depth` (≤ the node's own depth):
    // a leaf's hash is the same at every depth; a branch's is lifted through the one-sided nodes.
    private Sha256Hash HashAt(int node, int depth)
    {
        if (node == None)
        {
            return HeadsMapHasher.Empty;
        }

        if (node < 0)
        {
            return _leaves[~node].Hash();
        }

        ref Branch branch = ref _branches[node];
        if (branch.Dirty)
        {
            Sha256Hash left = HashAt(branch.Left, branch.Depth + 1);
            Sha256Hash right = HashAt(branch.Right, branch.Depth + 1);
            branch.Hash = HeadsMapHasher.NodeHash(left, right);
            branch.Dirty = false;
        }

        Sha256Hash hash = branch.Hash;
        if (branch.Depth > depth)
        {
            KeyBits inside = _leaves[branch.AnyLeaf].Key;
            Sha256Hash empty = HeadsMapHasher.Empty;
            for (int d = branch.Depth - 1; d >= depth; d--)
            {
                hash = inside.Bit(d) == 0 ? HeadsMapHasher.NodeHash(hash, empty) : HeadsMapHasher.NodeHash(empty, hash);
            }
        }

        return hash;
    }

    private int NewBranch(int depth, int left, int right, int anyLeaf)
    {
        if (_branchCount == _branches.Length)
        {
            Array.Resize(ref _branches, _branches.Length * 2);
        }

        _branches[_branchCount] = new Branch { Depth = (short)depth, Left = left, Right = right, AnyLeaf = anyLeaf, Dirty = true };
        return _branchCount++;
    }

    /// <summary>A point where key paths part; 48 bytes.</summary>
    private struct Branch
    {
        public const int Size = 48;

        public Sha256Hash Hash;
        public int Left;
        public int Right;
        public int AnyLeaf;
        public short Depth;
        public bool Dirty;
    }
}
