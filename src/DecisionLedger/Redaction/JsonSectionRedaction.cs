using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>
/// The free-form sections of a decision (<c>input</c>, <c>output</c>, <c>metadata</c>) under one
/// <see cref="RedactionWalker"/>: the same recursive visit either scans (no writer: no paths, no allocation,
/// stops at the first hit) or writes a redacted copy with a <see cref="Utf8JsonWriter"/> over the original
/// elements. One instance per walker, reused; the walker holds the profile, the selector states and what fired.
/// </summary>
internal sealed class JsonSectionRedaction
{
    private readonly RedactionWalker _walker;
    private readonly List<string> _path = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public JsonSectionRedaction(RedactionWalker walker)
    {
        _walker = walker;
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Forgets the path of a walk that ended in an exception.</summary>
    public void Clear() => _path.Clear();

    /// <summary>Whether anything in the section fires: the allocation-free scan, stopping at the first hit.</summary>
    public bool Scan(string name, JsonElement section, int rootCount)
    {
        ref SelectorStates states = ref _walker.States;
        _walker.Section = name;
        int mark = states.Top;
        int count = states.StepName(0, rootCount, name);
        int forced = states.Selected(mark, count);
        bool hit = section.ValueKind == JsonValueKind.Object
            ? (forced >= 0 && HasMembers(section)) || VisitObject(section, mark, count, null, forced)
            : forced >= 0 || VisitValue(section, mark, count, null);
        states.Top = mark;
        return hit;
    }

    /// <summary>The section with the profile applied; the same element when nothing fires.</summary>
    public JsonElement Rewrite(string name, JsonElement section, int rootCount)
    {
        ref SelectorStates states = ref _walker.States;
        if (!Scan(name, section, rootCount))
        {
            return section;
        }

        _walker.Section = name;
        int mark = states.Top;
        int count = states.StepName(0, rootCount, name);
        int forced = states.Selected(mark, count);
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
        states.Top = mark;
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
                writer?.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
                return false;
        }
    }

    private bool VisitObject(JsonElement obj, int start, int count, Utf8JsonWriter? writer, int forced)
    {
        ref SelectorStates states = ref _walker.States;
        bool hit = false;
        writer?.WriteStartObject();
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            int mark = states.Top;
            int childCount = count == 0 ? 0 : states.StepMember(start, count, property);
            int rule = forced >= 0 ? forced : states.Selected(mark, childCount);
            if (writer is null)
            {
                bool found = rule >= 0 || VisitValue(property.Value, mark, childCount, null);
                states.Top = mark;
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
                ApplySelector(_walker.Profile.Selectors[rule].Action, property.Value, writer, name);
            }
            else
            {
                writer.WritePropertyName(name);
                hit |= VisitValue(property.Value, mark, childCount, writer);
            }

            _path.RemoveAt(_path.Count - 1);
            states.Top = mark;
        }

        writer?.WriteEndObject();
        return hit;
    }

    private bool VisitArray(JsonElement array, int start, int count, Utf8JsonWriter? writer)
    {
        ref SelectorStates states = ref _walker.States;
        bool hit = false;
        writer?.WriteStartArray();
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            int mark = states.Top;
            int childCount = count == 0 ? 0 : states.StepIndex(start, count, index);
            int rule = states.Selected(mark, childCount);
            if (writer is null)
            {
                bool found = rule >= 0 || VisitValue(item, mark, childCount, null);
                states.Top = mark;
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
                ApplySelector(_walker.Profile.Selectors[rule].Action, item, writer, propertyName: null);
            }
            else
            {
                hit |= VisitValue(item, mark, childCount, writer);
            }

            _path.RemoveAt(_path.Count - 1);
            states.Top = mark;
            index++;
        }

        writer?.WriteEndArray();
        return hit;
    }

    private void ApplySelector(RedactionAction action, JsonElement value, Utf8JsonWriter writer, string? propertyName)
    {
        _walker.Record(_path[^1], action);
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
        writer.WriteStringValue(action.Apply(text, text, _walker.Key));
    }

    private bool VisitString(JsonElement value, Utf8JsonWriter? writer)
    {
        if (_walker.Profile.Detectors.Length != 0)
        {
            TextStats stats = TextStats.Of(value);
            if (_walker.AnyMayMatch(stats))
            {
                string text = value.GetString()!;
                if (_walker.FindMatches(text, stats))
                {
                    writer?.WriteStringValue(_walker.Rewrite(text, _path.Count > 0 ? _path[^1] : _walker.Section));
                    return true;
                }
            }
        }

        writer?.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
        return false;
    }
}
