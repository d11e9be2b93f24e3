using System.Text.Json;

namespace DecisionLedger.Redaction;

/// <summary>
/// The live selector states of one redaction walk: each state is <c>(rule &lt;&lt; 8) | next segment</c>, and
/// all of them live on one reusable stack. Stepped down the document, so each node costs one comparison per
/// live state and a subtree no selector can reach (no live state) costs nothing.
/// </summary>
/// <remarks>
/// A mutable struct so that the walkers reach its stack without an extra indirection: keep it in a
/// non-readonly field and never copy it. A walker marks <see cref="Top"/> before stepping into a child and
/// restores it after, so the states of a node are the range [mark, mark + count).
/// </remarks>
internal struct SelectorStates
{
    private int[] _states;
    private SelectorRule[] _selectors;

    public SelectorStates()
    {
        _states = new int[64];
        _selectors = [];
    }

    /// <summary>The top of the stack: where the next step's states start.</summary>
    public int Top { readonly get; set; }

    /// <summary>Empties the stack and pushes one state per selector at its first segment; returns how many.</summary>
    public int Start(SelectorRule[] selectors)
    {
        _selectors = selectors;
        Top = 0;
        for (int r = 0; r < selectors.Length; r++)
        {
            Push(r << 8);
        }

        return Top;
    }

    /// <summary>Empties the stack and lets go of the profile's selectors.</summary>
    public void Clear()
    {
        Top = 0;
        _selectors = [];
    }

    /// <summary>The first rule (in policy order) whose selector is complete in the states [start, start+count).</summary>
    public readonly int Selected(int start, int count)
    {
        int best = -1;
        for (int i = start; i < start + count; i++)
        {
            int rule = _states[i] >> 8;
            if ((_states[i] & 0xFF) == _selectors[rule].Segments.Length && (best < 0 || rule < best))
            {
                best = rule;
            }
        }

        return best;
    }

    /// <summary>Steps the states [start, start+count) into the member <paramref name="property"/>; returns how many states were pushed.</summary>
    public int StepMember(int start, int count, JsonProperty property) => Step(start, count, new MemberMatcher(property));

    /// <summary>Steps the states [start, start+count) into the member named <paramref name="name"/>; returns how many states were pushed.</summary>
    public int StepName(int start, int count, string name) => Step(start, count, new NameMatcher(name));

    /// <summary>Steps the states [start, start+count) into the array item <paramref name="index"/>; returns how many states were pushed.</summary>
    public int StepIndex(int start, int count, int index) => Step(start, count, new IndexMatcher(index));

    // Advances every live selector state by one step of the document; a struct matcher keeps
    // the per-member walk free of delegate allocations.
    private int Step<TMatcher>(int start, int count, TMatcher matcher)
        where TMatcher : struct, ISegmentMatcher
    {
        int from = Top;
        for (int i = start; i < start + count; i++)
        {
            int rule = _states[i] >> 8;
            int next = _states[i] & 0xFF;
            PathSegment[] segments = _selectors[rule].Segments;
            if (next == segments.Length)
            {
                continue;
            }

            PathSegment segment = segments[next];
            if (matcher.Matches(segment))
            {
                PushUnique((rule << 8) | (next + 1), from);
            }

            if (segment.Recursive)
            {
                PushUnique(_states[i], from);
            }
        }

        return Top - from;
    }

    private void Push(int state)
    {
        if (Top == _states.Length)
        {
            Array.Resize(ref _states, _states.Length * 2);
        }

        _states[Top++] = state;
    }

    private void PushUnique(int state, int from)
    {
        for (int i = from; i < Top; i++)
        {
            if (_states[i] == state)
            {
                return;
            }
        }

        Push(state);
    }

    private interface ISegmentMatcher
    {
        bool Matches(PathSegment segment);
    }

    private readonly struct MemberMatcher(JsonProperty property) : ISegmentMatcher
    {
        public bool Matches(PathSegment segment) => segment.MatchesMember(property);
    }

    private readonly struct NameMatcher(string name) : ISegmentMatcher
    {
        public bool Matches(PathSegment segment) => segment.MatchesMember(name);
    }

    private readonly struct IndexMatcher(int index) : ISegmentMatcher
    {
        public bool Matches(PathSegment segment) => segment.MatchesIndex(index);
    }
}
