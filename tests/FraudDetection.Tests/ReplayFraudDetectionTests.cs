using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DecisionLedger.Ledger;
using DecisionLedger.Replay;
using DecisionLedger.Replay.MLNet;
using DecisionLedger.Sqlite;
using FraudDetection.Training;

namespace FraudDetection.Tests;

/// <summary>
/// Issue 17, "Done when": replay matches the sample's untouched model exactly and finds a planted
/// retrained artifact (same name and version, different weights) as differed, field by field.
/// </summary>
public sealed class ReplayFraudDetectionTests
{
    private static readonly ReplayOptions s_options = new() { Mappings = [OutputMapping.Parse("output.fraud=$.PredictedLabel")] };

    [Fact]
    public async Task Replay_MatchesTheUntouchedArtifact_AndReportsAPlantedRetrainedArtifactAsDiffered()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        await PredictAsync(sample, Transactions.Risky("customer-1"), Transactions.Ordinary("customer-2"), Transactions.Risky("customer-3"));
        await sample.StopAsync();
        string artifacts = Directory.CreateDirectory(Path.Combine(sample.Directory, "artifacts")).FullName;
        string hex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        string artifact = Path.Combine(artifacts, hex + ".zip");
        File.Copy(sample.ModelPath, artifact);

        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(sample.LedgerPath).DatabasePath);
        await store.OpenAsync();

        ReplayReport untouched;
        using (var scorer = new ArtifactReplayScorer(new DirectoryArtifactStore(artifacts), new MLNetModelLoader()))
        {
            untouched = await new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Model = "fraud_detector" });
        }

        Assert.Equal(3, untouched.Results.Count);
        Assert.All(untouched.Results, r =>
        {
            Assert.Equal(ReplayOutcome.Matched, r.Outcome);
            Assert.Empty(r.Differences);
            Assert.Null(r.Detail);
        });

        // The planted change: the model retrained on other data, saved under the same name and version,
        // put where the recorded digest points.
        TrainedModel retrained = FraudModelTrainer.Train(Path.Combine(sample.Directory, "retrained", "fraud_detector.zip"), rows: 2000, seed: 4242);
        File.Copy(retrained.Path, artifact, overwrite: true);

        ReplayReport planted;
        using (var scorer = new ArtifactReplayScorer(new DirectoryArtifactStore(artifacts), new MLNetModelLoader()))
        {
            planted = await new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Model = "fraud_detector" });
        }

        Assert.Equal(3, planted.Differed);
        Assert.Equal([0L, 1L, 2L], planted.ToEvent().DifferedSeqs);
        Assert.All(planted.Results, r =>
        {
            ReplayDifference probability = Assert.Single(r.Differences, d => d.Path == "output.probability");
            Assert.NotNull(probability.Recorded);
            Assert.NotNull(probability.Replayed);
            Assert.True(Math.Abs(probability.Delta!.Value) > ReplayTolerances.DefaultTolerance);
            Assert.Contains(r.Differences, d => d.Path == "output.score");
            Assert.Contains("replaced after the decision", r.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Replay_ArtifactMissingFromTheStore_IsNotReplayable_NamingTheDigest()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        await PredictAsync(sample, Transactions.Ordinary());
        await sample.StopAsync();
        string empty = Directory.CreateDirectory(Path.Combine(sample.Directory, "empty-artifacts")).FullName;
        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(sample.LedgerPath).DatabasePath);
        await store.OpenAsync();

        using var scorer = new ArtifactReplayScorer(new DirectoryArtifactStore(empty), new MLNetModelLoader());
        ReplayReport report = await new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Seq = 0 });

        ReplayResult result = Assert.Single(report.Results);
        Assert.Equal(ReplayOutcome.NotReplayable, result.Outcome);
        Assert.Equal(ReplayReasons.ArtifactNotFound, result.Reason);
        string hex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        Assert.Contains(hex, result.Detail, StringComparison.Ordinal);
    }

    private static async Task PredictAsync(SampleApp sample, params object[] bodies)
    {
        foreach (object body in bodies)
        {
            HttpResponseMessage response = await sample.Client.PostAsJsonAsync("/predict", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
