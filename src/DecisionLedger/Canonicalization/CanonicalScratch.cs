using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DecisionLedger.Canonicalization;

/// <summary>
/// Pooled working memory for one canonicalization: decoded property names and the slots
/// being sorted, used as stacks so nested objects share the arrays.
/// </summary>
internal struct CanonicalScratch
{
    public byte[] Names;
    public int NamesUsed;
    public PropertySlot[] Slots;
    public int SlotsUsed;

    public void EnsureNames(int additional)
    {
        if (Names is null)
        {
            Names = ArrayPool<byte>.Shared.Rent(Math.Max(additional, 1024));
            return;
        }

        if (Names.Length - NamesUsed >= additional)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Names.Length * 2, NamesUsed + additional));
        Names.AsSpan(0, NamesUsed).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(Names);
        Names = bigger;
    }

    public void EnsureSlots(int additional)
    {
        if (Slots is null)
        {
            Slots = ArrayPool<PropertySlot>.Shared.Rent(Math.Max(additional, 64));
            return;
        }

        if (Slots.Length - SlotsUsed >= additional)
        {
            return;
        }

        PropertySlot[] bigger = ArrayPool<PropertySlot>.Shared.Rent(Math.Max(Slots.Length * 2, SlotsUsed + additional));
        Slots.AsSpan(0, SlotsUsed).CopyTo(bigger);
        ArrayPool<PropertySlot>.Shared.Return(Slots, clearArray: true);
        Slots = bigger;
    }

    /// <summary>
    /// Pushes one slot per member of <paramref name="obj"/> (it has <paramref name="count"/>), each with its name
    /// decoded onto the name stack, and sorts them in RFC 8785 order (UTF-16 code units); returns the first slot.
    /// The caller pops by restoring <see cref="SlotsUsed"/> and <see cref="NamesUsed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name holds a lone UTF-16 surrogate escape or bytes that are not UTF-8.</exception>
    public int PushSortedMembers(JsonElement obj, int count)
    {
        int slotBase = SlotsUsed;
        EnsureSlots(count);
        int index = slotBase;
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
            EnsureNames(raw.Length);
            int start = NamesUsed;
            int length = JsonStringUnescaper.Unescape(raw, Names.AsSpan(start));
            Utf8Validation.ThrowIfInvalid(Names.AsSpan(start, length), "member name");
            NamesUsed += length;
            Slots[index++] = new PropertySlot(property, start, length);
        }

        SlotsUsed = index;
        new Utf16OrderComparer(Names).Sort(Slots.AsSpan(slotBase, count));
        return slotBase;
    }

    public readonly void Release()
    {
        if (Names is not null)
        {
            ArrayPool<byte>.Shared.Return(Names);
        }

        if (Slots is not null)
        {
            // Cleared so pooled slots do not keep documents alive.
            ArrayPool<PropertySlot>.Shared.Return(Slots, clearArray: true);
        }
    }
}
