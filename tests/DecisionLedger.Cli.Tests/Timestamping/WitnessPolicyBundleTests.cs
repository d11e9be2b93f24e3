using System.Text;
using DecisionLedger.Randomness;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests.Timestamping;

/// <summary>
/// Bundles carry the checkpoint's stored witness cosignatures as a cosigned note, and
/// <c>verify --bundle --witness-policy</c> demands the policy's quorum over exactly that checkpoint.
/// Cosignatures are made with real witness keys and kept through the store's attestation port.
/// </summary>
public sealed class WitnessPolicyBundleTests
{
    private static readonly WitnessSigner[] s_witnesses =
    [
        WitnessSigner.Generate("witness.example/w1", new SeededRandomSource(1)),
        WitnessSigner.Generate("witness.example/w2", new SeededRandomSource(2)),
        WitnessSigner.Generate("witness.example/w3", new SeededRandomSource(3)),
    ];

    [Fact]
    public async Task VerifyBundle_TwoOfThreeCosigned_PassesTheQuorum_AndFailsAllOfThree()
    {
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        StoredCheckpoint checkpoint = await ledger.LatestAsync();
        await StoreAsync(ledger, checkpoint, "witness.example/w1", s_witnesses[0].Cosign(Body(checkpoint.SignedNote), DateTimeOffset.UtcNow));
        await StoreAsync(ledger, checkpoint, "witness.example/w2", s_witnesses[1].Cosign(Body(checkpoint.SignedNote), DateTimeOffset.UtcNow));
        string bundle = await ledger.ExportAsync("bundle");
        string twoOfThree = await PolicyAsync(ledger, "2");
        string allThree = await PolicyAsync(ledger, "all");

        CliResult met = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--witness-policy", twoOfThree);
        CliResult below = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--witness-policy", allThree);

        Assert.StartsWith(checkpoint.SignedNote, await File.ReadAllTextAsync(Path.Combine(bundle, "cosigned-checkpoint")), StringComparison.Ordinal);
        Assert.Equal(checkpoint.SignedNote, await File.ReadAllTextAsync(Path.Combine(bundle, "checkpoint")));
        Assert.True(met.ExitCode == 0, met.ToString());
        Assert.Contains("cosigned: 2 valid cosignatures (witness.example/w1, witness.example/w2)", met.Out, StringComparison.Ordinal);
        Assert.True(below.ExitCode == ExitCodes.VerificationFailed, below.ToString());
        Assert.Contains("Valid: w1, w2; invalid (not over this checkpoint, or altered): none; missing: w3.", below.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_CosignatureOverAnotherCheckpoint_FailsNamingTheWitness()
    {
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        StoredCheckpoint checkpoint = await ledger.LatestAsync();
        string body = Body(checkpoint.SignedNote);
        string otherBody = body.Replace($"\n{checkpoint.TreeSize}\n", $"\n{checkpoint.TreeSize + 1}\n", StringComparison.Ordinal);
        await StoreAsync(ledger, checkpoint, "witness.example/w1", s_witnesses[0].Cosign(body, DateTimeOffset.UtcNow));
        await StoreAsync(ledger, checkpoint, "witness.example/w2", s_witnesses[1].Cosign(otherBody, DateTimeOffset.UtcNow));
        string bundle = await ledger.ExportAsync("bundle");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--witness-policy", await PolicyAsync(ledger, "2"));

        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        Assert.Contains("The cosignature line by witness 'w2'", result.Out, StringComparison.Ordinal);
        Assert.Contains("invalid (not over this checkpoint, or altered): w2; missing: w3.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_ForgedCosignature_Fails()
    {
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        StoredCheckpoint checkpoint = await ledger.LatestAsync();
        string body = Body(checkpoint.SignedNote);
        await StoreAsync(ledger, checkpoint, "witness.example/w1", s_witnesses[0].Cosign(body, DateTimeOffset.UtcNow));
        await StoreAsync(ledger, checkpoint, "witness.example/w3", Forge(s_witnesses[2].Cosign(body, DateTimeOffset.UtcNow)));
        string bundle = await ledger.ExportAsync("bundle");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--witness-policy", await PolicyAsync(ledger, "2"));

        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        Assert.Contains("invalid (not over this checkpoint, or altered): w3; missing: w2.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_WitnessPolicyOnAnOldBundle_FailsBelowQuorum_WhilePlainVerifyPasses()
    {
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();
        string bundle = await ledger.ExportAsync("bundle");

        CliResult plain = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key);
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", ledger.Key, "--witness-policy", await PolicyAsync(ledger, "1"));

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.False(File.Exists(Path.Combine(bundle, "cosigned-checkpoint")));
        Assert.True(result.ExitCode == ExitCodes.VerificationFailed, result.ToString());
        Assert.Contains("missing: w1, w2, w3.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WitnessPolicyWithoutBundle_IsBadUsage()
    {
        await using TimestampedLedger ledger = await TimestampedLedger.CreateAsync();

        CliResult result = await CliRun.RunAsync("verify", "--ledger", ledger.Ledger, "--witness-policy", await PolicyAsync(ledger, "1"));

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("--witness-policy/--tsa-roots: only used with --bundle", result.Error, StringComparison.Ordinal);
    }

    private static string Body(string note) => note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)];

    private static string Forge(string line)
    {
        // Keep the name and key ID, flip one bit of the Ed25519 signature.
        int space = line.LastIndexOf(' ');
        byte[] signature = Convert.FromBase64String(line[(space + 1)..].TrimEnd('\n'));
        signature[^1] ^= 0x01;
        return line[..(space + 1)] + Convert.ToBase64String(signature) + "\n";
    }

    private static async Task StoreAsync(TimestampedLedger ledger, StoredCheckpoint checkpoint, string witness, string line) =>
        Assert.True(await ledger.Store.AddAttestationAsync(new CheckpointAttestation(checkpoint.TreeSize, checkpoint.RootHash, CheckpointAttestationKind.Cosignature, witness, Encoding.UTF8.GetBytes(line), DateTimeOffset.UtcNow)));

    private static async Task<string> PolicyAsync(TimestampedLedger ledger, string quorum)
    {
        string path = Path.Combine(ledger.Root, $"policy-{quorum}.txt");
        await File.WriteAllTextAsync(path, $"""
            log {ledger.Key}
            witness w1 {s_witnesses[0].VerifierKey}
            witness w2 {s_witnesses[1].VerifierKey}
            witness w3 {s_witnesses[2].VerifierKey}
            group q {quorum} w1 w2 w3
            quorum q

            """);
        return path;
    }
}
