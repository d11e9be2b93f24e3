using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// The heads map's tree kept as a compressed binary trie: one branch node per point where two
/// key paths part, each holding the hashes of its two children as seen from just below it.
/// </summary>
/// <remarks>
/// <para>The hash rules (docs/format.md, section 10) give every depth between the root and a
/// split a node of its own, <c>H(0x01 ‖ h ‖ empty)</c> or <c>H(0x01 ‖ empty ‖ h)</c>; the trie stores
/// only the splits (n − 1 branches for n leaves) and computes those one-sided nodes ("lifting")
/// when a child's hash changes. A branch keeps each child's hash at its own depth + 1, lifts
/// included, so a batch rehashes only what it touched: a clean sibling, leaf or branch, is read
/// from its parent's slot and never visited, hashed or lifted again.</para>
/// <para>Node references are ints: ≥ 0 a branch index, &lt; 0 the complement of a leaf index,
/// <see cref="None"/> nothing. Branches live in one array of structs; an update marks the slots
/// on its path dirty and <see cref="ComputeRoot"/> refreshes each dirty slot once, so paths that
/// a batch shares are hashed once per batch.</para>
/// </remarks>
internal sealed class HeadsTrie
{
    public const int None = int.MinValue;

    private readonly HeadsLeafTable _leaves;
    private Branch[] _branches;
    private int _branchCount;
    private int _root = None;
    private Sha256Hash _rootHash;
    private bool _rootDirty;

    public HeadsTrie(HeadsLeafTable leaves, int capacity = 0)
    {
        _leaves = leaves;
        _branches = new Branch[Math.Max(capacity, 4)];
    }

    /// <summary>Approximate bytes held by the branch array.</summary>
    public long AllocatedBytes => (long)_branches.Length * Branch.Size;

    /// <summary>Marks every slot on the path to an existing leaf dirty (its value changed).</summary>
    public void MarkPath(in KeyBits key)
    {
        _rootDirty = true;
        int node = _root;
        while (node >= 0)
        {
            ref Branch branch = ref _branches[node];
            if (key.Bit(branch.Depth) == 0)
            {
                branch.LeftDirty = true;
                node = branch.Left;
            }
            else
            {
                branch.RightDirty = true;
                node = branch.Right;
            }
        }
    }

    /// <summary>Adds a leaf (already in the leaf table, key not yet in the trie) and marks its path dirty.</summary>
    public void Insert(int leafIndex)
    {
        KeyBits key = _leaves[leafIndex].Key;
        bool slotWasDirty = _rootDirty;
        _rootDirty = true;
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
        bool parentLeft = false;
        node = _root;
        while (node >= 0 && _branches[node].Depth < depth)
        {
            ref Branch branch = ref _branches[node];
            parent = node;
            parentLeft = key.Bit(branch.Depth) == 0;
            if (parentLeft)
            {
                slotWasDirty = branch.LeftDirty;
                branch.LeftDirty = true;
                node = branch.Left;
            }
            else
            {
                slotWasDirty = branch.RightDirty;
                branch.RightDirty = true;
                node = branch.Right;
            }
        }

        // The subtree the new branch goes above keeps its hash when it is a leaf whose slot was
        // clean (a leaf hash is the same at every depth); a branch must be lifted afresh.
        bool newLeft = key.Bit(depth) == 0;
        int created = NewBranch(depth, newLeft ? ~leafIndex : node, newLeft ? node : ~leafIndex, leafIndex);
        if (node < 0 && !slotWasDirty)
        {
            Sha256Hash kept = parent == None ? _rootHash : parentLeft ? _branches[parent].LeftHash : _branches[parent].RightHash;
            ref Branch fresh = ref _branches[created];
            if (newLeft)
            {
                fresh.RightHash = kept;
                fresh.RightDirty = false;
            }
            else
            {
                fresh.LeftHash = kept;
                fresh.LeftDirty = false;
            }
        }

        if (parent == None)
        {
            _root = created;
        }
        else if (parentLeft)
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
    /// distinct, hashing every leaf and branch once.
    /// </summary>
    public void BuildSorted(int count)
    {
        _branchCount = 0;
        if (count == 0)
        {
            _root = None;
            _rootHash = HeadsMapHasher.Empty;
        }
        else
        {
            _root = Build(0, count, out Sha256Hash own);
            _rootHash = Seen(_root, own, 0);
        }

        _rootDirty = false;
    }

    /// <summary>Refreshes the dirty slots and returns the root: the hash of everything at depth 0.</summary>
    public Sha256Hash ComputeRoot()
    {
        if (_rootDirty)
        {
            _rootHash = Refresh(_root, 0);
            _rootDirty = false;
        }

        return _rootHash;
    }

    /// <summary>The proof for <paramref name="key"/>; call only after <see cref="ComputeRoot"/>, with no change since.</summary>
    public MapProof Prove(in KeyBits key)
    {
        var siblings = new List<Sha256Hash>();
        int node = _root;
        int depth = 0;
        while (node >= 0)
        {
            ref Branch branch = ref _branches[node];
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

                Sha256Hash own = HeadsMapHasher.NodeHash(branch.LeftHash, branch.RightHash);
                siblings.Add(HeadsMapHasher.Lift(own, inside, branch.Depth, parted + 1));
                return new MapProof(siblings, null);
            }

            for (; depth < branch.Depth; depth++)
            {
                siblings.Add(HeadsMapHasher.Empty);
            }

            bool left = key.Bit(branch.Depth) == 0;
            siblings.Add(left ? branch.RightHash : branch.LeftHash);
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

    private int Build(int from, int to, out Sha256Hash own)
    {
        if (to - from == 1)
        {
            own = _leaves[from].Hash();
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

        int left = Build(from, low, out Sha256Hash leftOwn);
        int right = Build(low, to, out Sha256Hash rightOwn);
        Sha256Hash leftSeen = Seen(left, leftOwn, depth + 1);
        Sha256Hash rightSeen = Seen(right, rightOwn, depth + 1);
        int created = NewBranch(depth, left, right, from);
        ref Branch branch = ref _branches[created];
        branch.LeftHash = leftSeen;
        branch.RightHash = rightSeen;
        branch.LeftDirty = false;
        branch.RightDirty = false;
        own = HeadsMapHasher.NodeHash(leftSeen, rightSeen);
        return created;
    }

    // The hash of `node`, whose own hash is `own`, seen from `depth`.
    private Sha256Hash Seen(int node, Sha256Hash own, int depth)
    {
        if (node < 0)
        {
            return own;
        }

        ref Branch branch = ref _branches[node];
        return branch.Depth > depth ? HeadsMapHasher.Lift(own, _leaves[branch.AnyLeaf].Key, branch.Depth, depth) : own;
    }

    // The hash of the subtree `node` seen from `depth` (≤ the node's own depth), after refreshing its dirty slots.
    private Sha256Hash Refresh(int node, int depth)
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
        if (branch.LeftDirty)
        {
            branch.LeftHash = Refresh(branch.Left, branch.Depth + 1);
            branch.LeftDirty = false;
        }

        if (branch.RightDirty)
        {
            branch.RightHash = Refresh(branch.Right, branch.Depth + 1);
            branch.RightDirty = false;
        }

        Sha256Hash own = HeadsMapHasher.NodeHash(branch.LeftHash, branch.RightHash);
        return branch.Depth > depth ? HeadsMapHasher.Lift(own, _leaves[branch.AnyLeaf].Key, branch.Depth, depth) : own;
    }

    private int NewBranch(int depth, int left, int right, int anyLeaf)
    {
        if (_branchCount == _branches.Length)
        {
            Array.Resize(ref _branches, _branches.Length * 2);
        }

        _branches[_branchCount] = new Branch { Depth = (short)depth, Left = left, Right = right, AnyLeaf = anyLeaf, LeftDirty = true, RightDirty = true };
        return _branchCount++;
    }

    /// <summary>A point where key paths part, with its children's hashes as seen from depth + 1; 80 bytes.</summary>
    private struct Branch
    {
        public const int Size = 80;

        public Sha256Hash LeftHash;
        public Sha256Hash RightHash;
        public int Left;
        public int Right;
        public int AnyLeaf;
        public short Depth;
        public bool LeftDirty;
        public bool RightDirty;
    }
}
