using System.Buffers;

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
