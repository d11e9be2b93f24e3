using DecisionLedger.Decisions;

namespace DecisionLedger.LoadTest;

/// <summary>
/// Spreads decisions over N distinct subject ids (<c>--distinct-subjects N</c>), so that a v2 run's subject refs and
/// heads map grow to N keys: decision i is about subject <c>(i mod N) · 2654435761 mod N</c>, a permutation of
/// 0 … N−1 (the multiplier is odd and not a multiple of 5, so coprime with any N of the form 2^a·5^b such as
/// 1,000,000), so the first N decisions are each about a new subject, in scattered order, and later ones revisit them.
/// </summary>
internal sealed class SpreadSubjects(int distinct)
{
    private const long Multiplier = 2_654_435_761;

    /// <summary>The decision to record as number <paramref name="index"/>: the pool's one with its subject replaced.</summary>
    public Decision Apply(Decision pooled, int index)
    {
        if (distinct <= 0)
        {
            return pooled;
        }

        long subject = (index % distinct) * Multiplier % distinct;
        return pooled with { Subject = new DecisionSubject { Id = "customer-" + subject.ToString("D7", System.Globalization.CultureInfo.InvariantCulture) } };
    }
}
