using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DecisionLedger.Archiving.S3;
using DecisionLedger.Ledger;
using DecisionLedger.Replay;
using DecisionLedger.Replay.MLNet;
using DecisionLedger.Sqlite;
using FraudDetection.Training;

namespace FraudDetection.Tests;

/// <summary>
/// Issue 17, "Done when", with the artifact store in S3 (real s3rver): the untouched model under
/// <c>s3://bucket/prefix/H.zip</c> replays every decision exactly; a retrained artifact (same name and
/// version) put where the recorded digest points differs from that digest, and the S3 store catches
/// it on download, so no decision is scored with it. A missing artifact and a missing bucket are
/// reported, never a crash.
/// </summary>
public sealed class ReplayFraudDetectionS3Tests
{
    private static readonly ReplayOptions s_options = new() { Mappings = [OutputMapping.Parse("output.fraud=$.PredictedLabel")] };

    [S3Fact]
    public async Task ReplayFromS3_MatchesTheUntouchedArtifactExactly_AndCatchesAPlantedRetrainedArtifact()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        await PredictAsync(sample, Transactions.Risky("customer-1"), Transactions.Ordinary("customer-2"), Transactions.Risky("customer-3"));
        await sample.StopAsync();
        string hex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        string key = $"models/fraud/{hex}.zip";
        await using S3TestBucket bucket = await S3TestBucket.CreateAsync();
        await bucket.UploadAsync(key, sample.ModelPath);
        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(sample.LedgerPath).DatabasePath);
        await store.OpenAsync();

        ReplayReport untouched;
        using (var scorer = new ArtifactReplayScorer(new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "models/fraud")), new MLNetModelLoader()))
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
        Assert.Equal($"s3://{bucket.Name}/models/fraud", untouched.Parameters["artifacts"]);

        // The planted change: the model retrained on other data under the same name and version, uploaded where the recorded digest points.
        TrainedModel retrained = FraudModelTrainer.Train(Path.Combine(sample.Directory, "retrained", "fraud_detector.zip"), rows: 2000, seed: 4242);
        await bucket.UploadAsync(key, retrained.Path);
        string retrainedHex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(retrained.Path)));

        ReplayReport planted;
        using (var scorer = new ArtifactReplayScorer(new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "models/fraud")), new MLNetModelLoader()))
        {
            planted = await new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Model = "fraud_detector" });
        }

        Assert.Equal(3, planted.NotReplayable);
        Assert.Equal(0, planted.Matched);
        Assert.All(planted.Results, r =>
        {
            Assert.Equal(ReplayOutcome.NotReplayable, r.Outcome);
            Assert.Equal(ReplayReasons.ArtifactDigestMismatch, r.Reason);
            Assert.Empty(r.Differences);
            Assert.Contains("artifact digest mismatch", r.Detail, StringComparison.Ordinal);
            Assert.Contains($"s3://{bucket.Name}/{key}", r.Detail, StringComparison.Ordinal);
            Assert.Contains(retrainedHex, r.Detail, StringComparison.Ordinal);
        });
    }

    [S3Fact]
    public async Task ReplayFromS3_ArtifactMissing_IsNotReplayable_NamingTheDigest()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        await PredictAsync(sample, Transactions.Ordinary());
        await sample.StopAsync();
        await using S3TestBucket bucket = await S3TestBucket.CreateAsync();
        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(sample.LedgerPath).DatabasePath);
        await store.OpenAsync();

        using var scorer = new ArtifactReplayScorer(new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "models")), new MLNetModelLoader());
        ReplayReport report = await new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Seq = 0 });

        ReplayResult result = Assert.Single(report.Results);
        Assert.Equal(ReplayOutcome.NotReplayable, result.Outcome);
        Assert.Equal(ReplayReasons.ArtifactNotFound, result.Reason);
        string hex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        Assert.Contains(hex, result.Detail, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket.Name}/models", result.Detail, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task ReplayFromS3_BucketMissing_StopsTheRun_NamingBucketKeyAndEndpoint()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        await PredictAsync(sample, Transactions.Ordinary());
        await sample.StopAsync();
        await using var store = new SqliteLedgerStore(LedgerDirectory.Open(sample.LedgerPath).DatabasePath);
        await store.OpenAsync();
        using Amazon.S3.AmazonS3Client client = S3TestBucket.NewClient();

        using var scorer = new ArtifactReplayScorer(new S3ArtifactStore(client, new S3ArchiveLocation("dl-no-such-models-17", "models")), new MLNetModelLoader());
        ArtifactStoreUnavailableException error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(
            () => new ReplayEngine(store, scorer, s_options).RunAsync(new ReplaySelection { Seq = 0 }));

        string hex = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        Assert.Contains("the bucket 'dl-no-such-models-17' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://dl-no-such-models-17/models/{hex}", error.Message, StringComparison.Ordinal);
        Assert.Contains(S3TestBucket.Endpoint, error.Message, StringComparison.Ordinal);
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
