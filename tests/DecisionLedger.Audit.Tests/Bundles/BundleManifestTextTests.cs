using System.Text;
using System.Text.Json;
using DecisionLedger.Bundles;
using DecisionLedger.Tests.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Bundles;

/// <summary>
/// A manifest whose strings are not valid Unicode is refused with the documented <see cref="JsonException"/>
/// naming <c>manifest.json</c>; both cases used to escape <c>verify --bundle</c> as an <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class BundleManifestTextTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dl-bundle-manifest-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(new byte[] { 0xD8, 0xD1 }, "not valid UTF-8")] // raw bytes that are not UTF-8
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' }, "not valid Unicode")] // a lone surrogate escape
    public async Task VerifyAsync_ManifestStringNotUnicode_ThrowsJsonExceptionNamingTheManifest(byte[] inserted, string reason)
    {
        await new EvidenceBundleWriter(new FakeTimeProvider(TestLedger.Epoch)).WriteAsync(
            TestLedger.Create(8, checkpointEvery: 4), _directory, TestLedger.Signer.VerifierKey, TestLedger.Origin, null, "0.1.0-test", null, CancellationToken.None);
        string manifest = Path.Combine(_directory, BundleFiles.Manifest);
        byte[] bytes = await File.ReadAllBytesAsync(manifest);
        byte[] origin = Encoding.UTF8.GetBytes("\"" + TestLedger.Origin);
        int at = bytes.AsSpan().IndexOf(origin) + origin.Length;
        await File.WriteAllBytesAsync(manifest, [.. bytes[..at], .. inserted, .. bytes[at..]]);

        var exception = await Assert.ThrowsAsync<JsonException>(async () =>
            await new EvidenceBundleVerifier().VerifyAsync(_directory, TestLedger.Signer.VerifierKey, CancellationToken.None));

        Assert.Contains(BundleFiles.Manifest, exception.Message, StringComparison.Ordinal);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }
}
