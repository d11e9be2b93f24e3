using DecisionLedger.Bundles;
using DecisionLedger.Tests.Verification;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Bundles;

/// <summary>
/// An <c>inputs.jsonl</c> salt that is valid base64 but not 16 bytes is an altered input row, reported at its
/// seq and naming the salt; it used to escape <c>verify --bundle</c> as an <see cref="ArgumentException"/>.
/// </summary>
public sealed class BundleInputSaltTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dl-bundle-salt-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("9rpY3Ulwure6WH8FIe6WH2tmhw==", 19)] // the fuzzer's find: 19 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAA", 15)]
    [InlineData("", 0)]
    public async Task VerifyAsync_SaltOfWrongLength_ReportsInputAlteredAtItsSeqNamingTheSalt(string salt, int length)
    {
        await new EvidenceBundleWriter(new FakeTimeProvider(TestLedger.Epoch)).WriteAsync(
            TestLedger.Create(12, checkpointEvery: 4), _directory, TestLedger.Signer.VerifierKey, TestLedger.Origin, null, "0.1.0-test", null, CancellationToken.None);
        string inputs = Path.Combine(_directory, BundleFiles.Inputs);
        string[] lines = File.ReadAllLines(inputs);
        lines[5] = lines[5].Replace(Convert.ToBase64String(TestLedger.Salt(5)), salt, StringComparison.Ordinal);
        File.WriteAllLines(inputs, lines);

        VerificationReport report = await new EvidenceBundleVerifier().VerifyAsync(_directory, TestLedger.Signer.VerifierKey, CancellationToken.None);

        Assert.False(report.Passed);
        Assert.Equal(new { Seq = 5L, Kind = TamperKind.InputAltered }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Contains($"salt of seq 5 in {BundleFiles.Inputs} is {length} bytes", report.FirstFinding.Detail, StringComparison.Ordinal);
    }
}
