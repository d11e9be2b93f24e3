using System.Text.Json;
using CsCheck;
using DecisionLedger.Bundles;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Verification;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// Evidence bundles with one file mutated: <c>verify --bundle</c> answers with a report, or with one
/// of its documented exceptions (<see cref="FormatException"/>, <see cref="FileNotFoundException"/>,
/// <see cref="JsonException"/>), never another; and a changed <c>entries.jsonl</c> never passes.
/// </summary>
public sealed class BundleReaderFuzzTests : IAsyncLifetime
{
    private static readonly string[] s_files = [BundleFiles.Entries, BundleFiles.Inputs, BundleFiles.Manifest, BundleFiles.Checkpoint, BundleFiles.Proofs];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dl-bundle-fuzz-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<(bool Full, string File), byte[]> _pristine = [];

    public async Task InitializeAsync()
    {
        foreach (bool full in new[] { true, false })
        {
            var writer = new EvidenceBundleWriter(new FakeTimeProvider(TestLedger.Epoch));
            EntryFilter? filter = full ? null : new EntryFilter { ModelName = "credit_model" };
            InMemoryLedgerStore ledger = TestLedger.Create(24, checkpointEvery: 8, seq => seq % 4 == 1 ? "credit_model" : "fraud_detector");
            await writer.WriteAsync(ledger, BundleDirectory(full), TestLedger.Signer.VerifierKey, TestLedger.Origin, filter, "0.1.0-test", null, CancellationToken.None);
            foreach (string file in s_files)
            {
                string path = Path.Combine(BundleDirectory(full), file);
                if (File.Exists(path))
                {
                    _pristine[(full, file)] = await File.ReadAllBytesAsync(path);
                }
            }
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task VerifyAsync_OneFileMutated_ReportsOrThrowsOnlyDocumentedExceptions()
    {
        Gen<(bool Full, string File, byte[] Bytes)> mutated =
            Gen.OneOf(_pristine.Keys.ToArray()).SelectMany(key => ByteMutations.Of([_pristine[key]], maxEdits: 4).Select(bytes => (key.Full, key.File, bytes)));

        await FuzzBudget.RunAsync(mutated, shortRun: 250, async sample =>
        {
            VerificationReport? report = await VerifyWithAsync(sample.Full, sample.File, sample.Bytes);
            if (report is not null && sample.File == BundleFiles.Entries && !sample.Bytes.AsSpan().SequenceEqual(_pristine[(sample.Full, sample.File)]))
            {
                Assert.False(report.Passed, "a changed entries.jsonl passed verification");
            }
        }, sample => $"{(sample.Full ? "full" : "filtered")} bundle, {sample.File}: {ByteMutations.Show(sample.Bytes)}");
    }

    // Returns the report, or null when verification refused the bundle with a documented exception.
    private async Task<VerificationReport?> VerifyWithAsync(bool full, string file, byte[] bytes)
    {
        string path = Path.Combine(BundleDirectory(full), file);
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            return await new EvidenceBundleVerifier().VerifyAsync(BundleDirectory(full), TestLedger.Signer.VerifierKey, CancellationToken.None);
        }
        catch (Exception ex) when (ex is FormatException or FileNotFoundException or JsonException)
        {
            return null;
        }
        finally
        {
            await File.WriteAllBytesAsync(path, _pristine[(full, file)]);
        }
    }

    private string BundleDirectory(bool full) => Path.Combine(_root, full ? "full" : "filtered");
}
