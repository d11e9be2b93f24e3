using System.Text;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

public sealed class EntryFieldsTests
{
    // Found by BundleReaderFuzzTests (seed cLBp9KpLaJs3 at DLEDGER_FUZZ_ITERATIONS=20): Utf8JsonReader
    // throws InvalidOperationException, not JsonException, when it compares a member name holding an
    // escaped lone surrogate, and verify --bundle let it out.
    [Fact]
    public void TryRead_NameWithALoneSurrogate_IsUnreadableWithAReason()
    {
        byte[] entry = Encoding.UTF8.GetBytes("""{"\ud800":1,"requestId":"a","seq":0}""");

        bool read = EntryFields.TryRead(entry, null, out _, out string? error, out _);

        Assert.False(read);
        Assert.Contains("not valid Unicode", error, StringComparison.Ordinal);
    }

    // Names the reader only skips are left to the leaf and canonical-form checks; reading must not throw.
    [Fact]
    public void TryRead_SkippedNameWithInvalidUtf8_DoesNotThrow()
    {
        byte[] entry = [.. "{\"requestId\":\"a\",\"seq\":0,\"k"u8, 0xFF, .. "\":1}"u8];

        Exception? thrown = Record.Exception(() => EntryFields.TryRead(entry, null, out _, out _, out _));

        Assert.Null(thrown);
    }
}
