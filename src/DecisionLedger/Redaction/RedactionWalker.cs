using System.Buffers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Records;

namespace DecisionLedger.Redaction;

/// <summary>
/// Walks one decision for one <see cref="CompiledProfile"/>. A first pass only scans (no writer, no paths, no
/// allocation once warm) and stops at the first hit; only when something fires does a second pass write
/// redacted copies of the sections that need them with a <see cref="Utf8JsonWriter"/> over the original
/// elements. One instance per thread, reused.
/// </summary>
/// <remarks>
/// Selector matching runs as a set of states (rule, next segment) stepped down the document, so each node
/// costs one comparison per live state and a subtree no selector can reach costs nothing; states live on one
/// reusable stack.
/// </remarks>
internal sealed class RedactionWalker
{
    [ThreadStatic]
    private static RedactionWalker? t_cached;

    private readonly DetectorMatcher _matcher = new();
    private readonly List<RedactionAction> _fired = [];
    private readonly List<string> _path = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private int[] _states = new int[64];
    private int _top;
    private CompiledProfile _profile = null!;
    private byte[] _key = null!;
    private string _section = string.Empty;
    private List<AppliedRedaction>? _applied;

    private RedactionWalker()
    {
        _writer = new Utf8JsonWriter(_buffer);
    }

    public static RedactionResult Redact(Decision decision, CompiledProfile profile, byte[] key)
    {
        RedactionWalker walker = t_cached ?? new RedactionWalker();
        t_cached = null;
        try
        {
            walker._profile = profile;
            walker._key = key;
            return walker.Run(decision);
        }
        finally
        {
            walker._profile = null!;
            walker._applied = null;
            walker._top = 0;
            walker._path.Clear();
            walker._matcher.Clear();
            walker._fired.Clear();
            t_cached = walker;
        }
    }

    /// <summary>Whether <paramref name="profile"/> changes anything in <paramref name="decision"/>: the allocation-free scan alone.</summary>
    public static bool Fires(Decision decision, CompiledProfile profile)
    {
        RedactionWalker walker = t_cached ?? new RedactionWalker();
        t_cached = null;
        try
        {
            walker._profile = profile;
            for (int r = 0; r < profile.Selectors.Length; r++)
            {
                walker.Push(r << 8);
            }

            int rootCount = walker._top;
            return walker.ScanSection("input", decision.Input, rootCount)
                || walker.ScanSection("output", decision.Output, rootCount)
                || (decision.Metadata is { } metadata && walker.ScanSection("metadata", metadata, rootCount))
                || (decision.Explanation is { } explanation && walker.VisitExplanation(explanation, rootCount, write: false).Hit);
        }
        finally
        {
            walker._profile = null!;
            walker._top = 0;
            walker._matcher.Clear();
            t_cached = walker;
        }
    }

    /// <summary>Applies <paramref name="profile"/> to an explanation, appending what fired to <paramref name="applied"/>; the same explanation when nothing did.</summary>
    public static Explanation RedactExplanation(Explanation explanation, CompiledProfile profile, byte[] key, List<AppliedRedaction> applied)
    {
        RedactionWalker walker = t_cached ?? new RedactionWalker();
        t_cached = null;
        try
        {
            walker._profile = profile;
            walker._key = key;
            walker._applied = applied;
            for (int r = 0; r < profile.Selectors.Length; r++)
            {
                walker.Push(r << 8);
            }

            (bool changed, Explanation? redacted) = walker.VisitExplanation(explanation, walker._top, write: true);
            return changed ? redacted! : explanation;
        }
        finally
        {
            walker._profile = null!;
            walker._applied = null;
            walker._top = 0;
            walker._path.Clear();
            walker._matcher.Clear();
            walker._fired.Clear();
            t_cached = walker;
        }
    }

    private RedactionResult Run(Decision decision)
    {
        for (int r = 0; r < _profile.Selectors.Length; r++)
        {
            Push(r << 8);
        }

        int rootCount = _top;
        bool hit = ScanSection("input", decision.Input, rootCount)
            || ScanSection("output", decision.Output, rootCount)
            || (decision.Metadata is { } scanMetadata && ScanSection("metadata", scanMetadata, rootCount))
            || (decision.Explanation is { } scanExplanation && VisitExplanation(scanExplanation, rootCount, write: false).Hit);
        if (!hit)
        {
            return new RedactionResult(decision, []);
        }

        _applied = [];
        JsonElement input = RewriteSection("input", decision.Input, rootCount);
        JsonElement output = RewriteSection("output", decision.Output, rootCount);
        JsonElement? metadata = decision.Metadata is { } md ? RewriteSection("metadata", md, rootCount) : null;
        Explanation? explanation = decision.Explanation;
        if (explanation is not null)
        {
            (bool changed, Explanation? redacted) = VisitExplanation(explanation, rootCount, write: true);
            if (changed)
            {
                explanation = redacted;
            }
        }

        var result = decision with { Input = input, Output = output, Metadata = metadata, Explanation = explanation };
        return new RedactionResult(result, _applied);
    }

    private bool ScanSection(string name, JsonElement section, int rootCount)
    {
        _section = name;
        int mark = _top;
        int count = StepName(0, rootCount, name);
        int forced = Selected(mark, count);
        bool hit = section.ValueKind == JsonValueKind.Object
            ? (forced >= 0 && HasMembers(section)) || VisitObject(section, mark, count, null, forced)
            : forced >= 0 || VisitValue(section, mark, count, null);
        _top = mark;
        return hit;
    }

    private JsonElement RewriteSection(string name, JsonElement section, int rootCount)
    {
        if (!ScanSection(name, section, rootCount))
        {
            return section;
        }

        _section = name;
        int mark = _top;
        int count = StepName(0, rootCount, name);
        int forced = Selected(mark, count);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _path.Add(name);
        if (section.ValueKind == JsonValueKind.Object)
        {
            VisitObject(section, mark, count, _writer, forced);
        }
        else
        {
            VisitValue(section, mark, count, _writer);
        }

        _path.RemoveAt(_path.Count - 1);
        _top = mark;
        _writer.Flush();
        var reader = new Utf8JsonReader(_buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    private static bool HasMembers(JsonElement obj)
    {
        using JsonElement.ObjectEnumerator members = obj.EnumerateObject();
        return members.MoveNext();
    }

    private bool VisitValue(JsonElement value, int start, int count, Utf8JsonWriter? writer)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return VisitObject(value, start, count, writer, forced: -1);
            case JsonValueKind.Array:
                return VisitArray(value, start, count, writer);
            case JsonValueKind.String:
                return VisitString(value, writer);
            default:
                writer?.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
                return false;
        }
    }

    private bool VisitObject(JsonElement obj, int start, int count, Utf8JsonWriter? writer, int forced)
    {
        bool hit = false;
        writer?.WriteStartObject();
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            int mark = _top;
            int childCount = count == 0 ? 0 : StepMember(start, count, property);
            int rule = forced >= 0 ? forced : Selected(mark, childCount);
            if (writer is null)
            {
                bool found = rule >= 0 || VisitValue(property.Value, mark, childCount, null);
                _top = mark;
                if (found)
                {
                    return true;
                }

                continue;
            }

            string name = property.Name;
            _path.Add(JsonPaths.Child(_path[^1], name));
            if (rule >= 0)
            {
                hit = true;
                ApplySelector(_profile.Selectors[rule].Action, property.Value, writer, name);
            }
            else
            {
                writer.WritePropertyName(name);
                hit |= VisitValue(property.Value, mark, childCount, writer);
            }

            _path.RemoveAt(_path.Count - 1);
            _top = mark;
        }

        writer?.WriteEndObject();
        return hit;
    }

    private bool VisitArray(JsonElement array, int start, int count, Utf8JsonWriter? writer)
    {
        bool hit = false;
        writer?.WriteStartArray();
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            int mark = _top;
            int childCount = count == 0 ? 0 : StepIndex(start, count, index);
            int rule = Selected(mark, childCount);
            if (writer is null)
            {
                bool found = rule >= 0 || VisitValue(item, mark, childCount, null);
                _top = mark;
                if (found)
                {
                    return true;
                }

                index++;
                continue;
            }

            _path.Add(JsonPaths.Index(_path[^1], index));
            if (rule >= 0)
            {
                hit = true;
                ApplySelector(_profile.Selectors[rule].Action, item, writer, propertyName: null);
            }
            else
            {
                hit |= VisitValue(item, mark, childCount, writer);
            }

            _path.RemoveAt(_path.Count - 1);
            _top = mark;
            index++;
        }

        writer?.WriteEndArray();
        return hit;
    }

    private void ApplySelector(RedactionAction action, JsonElement value, Utf8JsonWriter writer, string? propertyName)
    {
        Record(_path[^1], action);
        if (action.Operator == RedactionOperator.Drop)
        {
            return;
        }

        if (propertyName is not null)
        {
            writer.WritePropertyName(propertyName);
        }

        if (action.Operator == RedactionOperator.Tag)
        {
            writer.WriteStringValue(action.Tag);
            return;
        }

        string text = value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(value));
        writer.WriteStringValue(action.Apply(text, text, _key));
    }

    private bool VisitString(JsonElement value, Utf8JsonWriter? writer)
    {
        if (_profile.Detectors.Length != 0)
        {
            TextStats stats = TextStats.Of(value);
            if (AnyMayMatch(stats))
            {
                string text = value.GetString()!;
                if (FindMatches(text, stats))
                {
                    writer?.WriteStringValue(Rewrite(text, _path.Count > 0 ? _path[^1] : _section));
                    return true;
                }
            }
        }

        writer?.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
        return false;
    }

    private bool AnyMayMatch(in TextStats stats) => DetectorMatcher.AnyMayMatch(_profile, stats);

    private bool FindMatches(string text, in TextStats stats) => _matcher.FindMatches(_profile, text, stats, _section);

    private string Rewrite(string text, string path)
    {
        _fired.Clear();
        string rewritten = _matcher.Rewrite(_profile, text, _key, _fired);
        foreach (RedactionAction action in _fired)
        {
            Record(path, action);
        }

        return rewritten;
    }

    private (bool Hit, Explanation? Redacted) VisitExplanation(Explanation explanation, int rootCount, bool write)
    {
        _section = "explanation";
        int mark = _top;
        int count = StepName(0, rootCount, "explanation");
        int forced = Selected(mark, count);
        bool hit = false;
        string? method = explanation.Method;
        double? baseValue = explanation.BaseValue;
        IReadOnlyDictionary<string, double>? attributions = explanation.Attributions;
        try
        {
            if (method is not null)
            {
                int m = _top;
                int rule = forced >= 0 ? forced : Selected(m, StepName(mark, count, "method"));
                _top = m;
                if (rule >= 0)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    RedactionAction action = _profile.Selectors[rule].Action;
                    Record("explanation.method", action);
                    method = action.Operator == RedactionOperator.Drop ? null : action.Apply(method, method, _key);
                }
                else if (_profile.Detectors.Length != 0)
                {
                    TextStats stats = TextStats.Of(method.AsSpan());
                    if (AnyMayMatch(stats) && FindMatches(method, stats))
                    {
                        if (!write)
                        {
                            return (true, null);
                        }

                        hit = true;
                        method = Rewrite(method, "explanation.method");
                    }
                }
            }

            if (count == 0)
            {
                return (hit, hit ? explanation with { Method = method } : explanation);
            }

            // Numbers computed by the model: only drop changes them (see RedactionRule remarks).
            if (baseValue is not null)
            {
                int m = _top;
                int rule = forced >= 0 ? forced : Selected(m, StepName(mark, count, "baseValue"));
                _top = m;
                if (rule >= 0 && _profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    Record("explanation.baseValue", _profile.Selectors[rule].Action);
                    baseValue = null;
                }
            }

            if (attributions is not null)
            {
                int m = _top;
                int attributionCount = StepName(mark, count, "attributions");
                int rule = forced >= 0 ? forced : Selected(m, attributionCount);
                if (rule >= 0 && _profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
                {
                    if (!write)
                    {
                        return (true, null);
                    }

                    hit = true;
                    Record("explanation.attributions", _profile.Selectors[rule].Action);
                    attributions = null;
                }
                else if (rule < 0 && attributionCount > 0)
                {
                    Dictionary<string, double>? kept = null;
                    foreach ((string feature, double value) in attributions)
                    {
                        int f = _top;
                        int featureRule = Selected(f, StepName(m, attributionCount, feature));
                        _top = f;
                        if (featureRule >= 0 && _profile.Selectors[featureRule].Action.Operator == RedactionOperator.Drop)
                        {
                            if (!write)
                            {
                                return (true, null);
                            }

                            hit = true;
                            kept ??= new Dictionary<string, double>(attributions, StringComparer.Ordinal);
                            kept.Remove(feature);
                            Record(JsonPaths.Child("explanation.attributions", feature), _profile.Selectors[featureRule].Action);
                        }
                    }

                    if (kept is not null)
                    {
                        attributions = kept;
                    }
                }

                _top = m;
            }

            return (hit, hit ? new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions } : explanation);
        }
        finally
        {
            _top = mark;
        }
    }

    private void Record(string path, RedactionAction action) =>
        _applied?.Add(new AppliedRedaction(path, action.Rule, action.OperatorName));

    // ---- selector states: (rule << 8) | next segment, on one stack ----
    private void Push(int state)
    {
        if (_top == _states.Length)
        {
            Array.Resize(ref _states, _states.Length * 2);
        }

        _states[_top++] = state;
    }

    private void PushUnique(int state, int from)
    {
        for (int i = from; i < _top; i++)
        {
            if (_states[i] == state)
            {
                return;
            }
        }

        Push(state);
    }

    /// <summary>The first rule (in policy order) whose selector is complete in the states [start, start+count).</summary>
    private int Selected(int start, int count)
    {
        int best = -1;
        for (int i = start; i < start + count; i++)
        {
            int rule = _states[i] >> 8;
            if ((_states[i] & 0xFF) == _profile.Selectors[rule].Segments.Length && (best < 0 || rule < best))
            {
                best = rule;
            }
        }

        return best;
    }

    private int StepMember(int start, int count, JsonProperty property) => Step(start, count, new MemberMatcher(property));

    private int StepName(int start, int count, string name) => Step(start, count, new NameMatcher(name));

    private int StepIndex(int start, int count, int index) => Step(start, count, new IndexMatcher(index));

    // Advances every live selector state by one step of the document; a struct matcher keeps
    // the per-member walk free of delegate allocations.
    private int Step<TMatcher>(int start, int count, TMatcher matcher)
        where TMatcher : struct, ISegmentMatcher
    {
        int from = _top;
        for (int i = start; i < start + count; i++)
        {
            int rule = _states[i] >> 8;
            int next = _states[i] & 0xFF;
            PathSegment[] segments = _profile.Selectors[rule].Segments;
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

        return _top - from;
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
