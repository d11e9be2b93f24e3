using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>
/// Redacts one section of a decision (<c>input</c>, <c>output</c>, <c>metadata</c>) while writing its RFC 8785
/// bytes: one walk in canonical member order, no redacted copy, no second canonicalization. Produces exactly
/// the bytes of <see cref="JsonCanonicalizer"/> over what <see cref="RedactionWalker"/> would have built, and the
/// same applied redactions in the same (document) order. One instance per builder; not thread-safe.
/// </summary>
/// <remarks>
/// Members are visited sorted, but redactions are recorded in document order, so each is keyed by the byte
/// offset of its value in the section's JSON (offsets grow in document order) and sorted once at the end.
/// Paths are built only for a value that is redacted. A subtree that no selector can reach, under a profile
/// without detectors, is handed to the plain canonicalizer.
/// </remarks>
internal sealed class CanonicalRedactor : IDisposable
{
    private static readonly Comparison<(int Offset, int Order, AppliedRedaction Redaction)> s_documentOrder =
        static (a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : a.Order.CompareTo(b.Order);

    /// <summary>The section whose original bytes are also fingerprinted.</summary>
    public const string InputSection = "input";

    private readonly DetectorMatcher _matcher = new();
    private readonly List<RedactionAction> _fired = [];
    private readonly List<(int Offset, int Order, AppliedRedaction Redaction)> _pending = [];
    private readonly List<(JsonProperty Member, int Index)> _path = [];
    private CanonicalScratch _scratch;
    private SelectorStates _states = new();
    private CompiledProfile _profile = null!;
    private byte[] _key = null!;
    private string _section = string.Empty;
    private JsonElement _sectionElement;

    /// <summary>
    /// Writes the canonical bytes of <paramref name="section"/> with <paramref name="profile"/> applied and appends
    /// what fired to <paramref name="applied"/>; true if anything did (otherwise the bytes are the plain JCS form).
    /// </summary>
    /// <exception cref="ArgumentException">The value cannot be canonicalized (see <see cref="JsonCanonicalizer.Write"/>).</exception>
    /// <exception cref="RedactionException">A pattern timed out.</exception>
    public bool WriteSection(string name, JsonElement section, CompiledProfile profile, byte[] key, IBufferWriter<byte> output, List<AppliedRedaction> applied)
    {
        _profile = profile;
        _key = key;
        _section = name;
        _sectionElement = section;
        _scratch.SlotsUsed = 0;
        _scratch.NamesUsed = 0;
        _pending.Clear();
        _path.Clear();
        try
        {
            int mark = _states.Start(profile.Selectors);
            int count = _states.StepName(0, mark, name);
            int forced = _states.Selected(mark, count);
            if (section.ValueKind == JsonValueKind.Object)
            {
                WriteObject(section, mark, count, output, forced);
            }
            else
            {
                // As the walker does: a selector naming a whole non-object section leaves it to the detectors.
                WriteValue(section, mark, count, output);
            }

            if (_pending.Count > 1)
            {
                _pending.Sort(s_documentOrder);
            }

            foreach ((_, _, AppliedRedaction redaction) in _pending)
            {
                applied.Add(redaction);
            }

            return _pending.Count != 0;
        }
        finally
        {
            // Pooled slots must not keep this decision's document alive.
            _scratch.Slots?.AsSpan().Clear();
            _sectionElement = default;
            _profile = null!;
            _states.Clear();
            _path.Clear();
            _pending.Clear();
            _matcher.Clear();
        }
    }

    public void Dispose()
    {
        _scratch.Release();
        _scratch = default;
    }

    private void WriteValue(JsonElement value, int start, int count, IBufferWriter<byte> output)
    {
        if (count == 0 && _profile.Detectors.Length == 0)
        {
            JsonCanonicalizer.WriteValue(value, output, ref _scratch);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(value, start, count, output, forced: -1);
                break;
            case JsonValueKind.Array:
                WriteArray(value, start, count, output);
                break;
            case JsonValueKind.String:
                WriteString(value, output);
                break;
            default:
                JsonCanonicalizer.WriteValue(value, output, ref _scratch);
                break;
        }
    }

    private void WriteObject(JsonElement obj, int start, int count, IBufferWriter<byte> output, int forced)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        int n = obj.GetPropertyCount();
        if (n == 0)
        {
            CanonicalOutput.WriteBytes(output, "{}"u8);
            return;
        }

        int nameBase = _scratch.NamesUsed;
        int slotBase = _scratch.PushSortedMembers(obj, n);
        CanonicalOutput.WriteByte(output, (byte)'{');
        int previous = -1;
        for (int i = 0; i < n; i++)
        {
            // Re-read through the scratch each time: a nested object may have grown (replaced) its arrays.
            PropertySlot slot = _scratch.Slots[slotBase + i];
            int mark = _states.Top;
            JsonProperty member = slot.Property;
            int childCount = count == 0 ? 0 : _states.StepMember(start, count, member);
            int rule = forced >= 0 ? forced : _states.Selected(mark, childCount);
            _path.Add((member, -1));
            if (rule >= 0 && _profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
            {
                Record(slot.Value, _profile.Selectors[rule].Action);
            }
            else
            {
                // Sorted, so a repeated name is next to its twin among the members written (a dropped one is not).
                ReadOnlySpan<byte> nameBytes = _scratch.Names.AsSpan(slot.NameStart, slot.NameLength);
                if (previous >= 0)
                {
                    PropertySlot before = _scratch.Slots[slotBase + previous];
                    if (Utf16OrderComparer.CompareUtf8(_scratch.Names.AsSpan(before.NameStart, before.NameLength), nameBytes) == 0)
                    {
                        throw JsonCanonicalizer.DuplicateName(nameBytes);
                    }

                    CanonicalOutput.WriteByte(output, (byte)',');
                }

                previous = i;
                CanonicalOutput.WriteQuotedUtf8(nameBytes, output);
                CanonicalOutput.WriteByte(output, (byte)':');
                if (rule >= 0)
                {
                    ApplySelector(_profile.Selectors[rule].Action, slot.Value, output);
                }
                else
                {
                    WriteValue(slot.Value, mark, childCount, output);
                }
            }

            _path.RemoveAt(_path.Count - 1);
            _states.Top = mark;
        }

        CanonicalOutput.WriteByte(output, (byte)'}');
        _scratch.SlotsUsed = slotBase;
        _scratch.NamesUsed = nameBase;
    }

    private void WriteArray(JsonElement array, int start, int count, IBufferWriter<byte> output)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        CanonicalOutput.WriteByte(output, (byte)'[');
        bool first = true;
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            int mark = _states.Top;
            int childCount = count == 0 ? 0 : _states.StepIndex(start, count, index);
            int rule = _states.Selected(mark, childCount);
            _path.Add((default, index));
            if (rule >= 0 && _profile.Selectors[rule].Action.Operator == RedactionOperator.Drop)
            {
                Record(item, _profile.Selectors[rule].Action);
            }
            else
            {
                if (!first)
                {
                    CanonicalOutput.WriteByte(output, (byte)',');
                }

                first = false;
                if (rule >= 0)
                {
                    ApplySelector(_profile.Selectors[rule].Action, item, output);
                }
                else
                {
                    WriteValue(item, mark, childCount, output);
                }
            }

            _path.RemoveAt(_path.Count - 1);
            _states.Top = mark;
            index++;
        }

        CanonicalOutput.WriteByte(output, (byte)']');
    }

    private void ApplySelector(RedactionAction action, JsonElement value, IBufferWriter<byte> output)
    {
        Record(value, action);
        if (action.Operator == RedactionOperator.Tag)
        {
            JsonCanonicalizer.WriteString(action.Tag, output);
            return;
        }

        string text = value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(value));
        JsonCanonicalizer.WriteString(action.Apply(text, text, _key), output);
    }

    private void WriteString(JsonElement value, IBufferWriter<byte> output)
    {
        if (_profile.Detectors.Length != 0)
        {
            TextStats stats = TextStats.Of(value);
            if (DetectorMatcher.AnyMayMatch(_profile, stats))
            {
                if (ReferenceEquals(_section, InputSection))
                {
                    // The input is fingerprinted as received, so a lone surrogate in it is the canonicalizer's
                    // ArgumentException, never GetString's InvalidOperationException; escapes are decoded (and so
                    // checked) the canonicalizer's way first.
                    ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
                    _scratch.EnsureNames(raw.Length);
                    JsonStringUnescaper.Unescape(raw[1..^1], _scratch.Names.AsSpan(_scratch.NamesUsed));
                }

                string text = value.GetString()!;
                if (_matcher.FindMatches(_profile, text, stats, _section))
                {
                    _fired.Clear();
                    string rewritten = _matcher.Rewrite(_profile, text, _key, _fired);
                    foreach (RedactionAction action in _fired)
                    {
                        Record(value, action);
                    }

                    JsonCanonicalizer.WriteString(rewritten, output);
                    return;
                }
            }
        }

        JsonCanonicalizer.WriteStringElement(value, output, ref _scratch);
    }

    private void Record(JsonElement at, RedactionAction action)
    {
        // Offsets within one document's buffer grow in document order; computed now, while both refs are live.
        int offset = (int)Unsafe.ByteOffset(
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(_sectionElement)),
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(at)));
        string path = _section;
        foreach ((JsonProperty member, int index) in _path)
        {
            path = index >= 0 ? JsonPaths.Index(path, index) : JsonPaths.Child(path, member.Name);
        }

        _pending.Add((offset, _pending.Count, new AppliedRedaction(path, action.Rule, action.OperatorName)));
    }
}
