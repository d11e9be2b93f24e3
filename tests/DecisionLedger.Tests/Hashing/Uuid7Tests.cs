using System.Globalization;
using System.Text.RegularExpressions;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Hashing;

public sealed class Uuid7Tests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Create_Always_HasVersion7Variant10AndCanonicalForm()
    {
        var random = new SeededRandomSource(42);
        for (int i = 0; i < 1000; i++)
        {
            string id = Uuid7.Create(s_time, random);

            Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), id);
        }
    }

    [Fact]
    public void Create_Timestamp_IsFirst48BitsInMilliseconds()
    {
        string id = Uuid7.Create(s_time, new SeededRandomSource(1));

        long embedded = long.Parse(id.Replace("-", string.Empty, StringComparison.Ordinal)[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(s_time.ToUnixTimeMilliseconds(), embedded);
    }

    [Fact]
    public void Create_LaterMillisecond_SortsAfter()
    {
        var random = new SeededRandomSource(5);
        string previous = Uuid7.Create(s_time, random);
        for (int i = 1; i < 200; i++)
        {
            string next = Uuid7.Create(s_time.AddMilliseconds(i), random);
            Assert.True(string.CompareOrdinal(previous, next) < 0, $"{previous} !< {next}");
            previous = next;
        }
    }

    [Fact]
    public void Create_SameSeed_IsReproducible()
    {
        Assert.Equal(Uuid7.Create(s_time, new SeededRandomSource(9)), Uuid7.Create(s_time, new SeededRandomSource(9)));
        Assert.NotEqual(Uuid7.Create(s_time, new SeededRandomSource(9)), Uuid7.Create(s_time, new SeededRandomSource(10)));
    }

    [Fact]
    public void Create_BeforeUnixEpoch_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Uuid7.Create(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero), new SeededRandomSource(1)));
}
