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
    private const string SaltLengthThrows =
        "Bug (bundle readers, being changed elsewhere): an inputs.jsonl line whose salt is valid base64 but not 16 bytes makes " +
        "EvidenceBundleVerifier.VerifyAsync throw ArgumentException (\"The input salt must be 16 bytes; got 19\") instead of reporting " +
        "input-altered at that seq, e.g. {\"seq\":5,\"salt\":\"9rpY3Ulwure6WH8FIe6WH2tmhw==\",...} in a filtered bundle (CsCheck seed 4v9GO5C6DTp4); " +
        "enable once the verifier reports it.";

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

    [Fact(Skip = SaltLengthThrows)]
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
