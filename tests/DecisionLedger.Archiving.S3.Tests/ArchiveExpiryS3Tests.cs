using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// Keep expiry end to end through the real <c>dledger</c> against s3rver: archive to S3, then
/// <c>retention apply</c> deletes the objects past <c>keep</c> (DeleteObject) except those a legal hold
/// covers, <c>verify</c> passes and counts them, <c>show</c> of an expired seq says what happened, and a
/// file deleted by hand is still <c>archive-missing</c>.
/// </summary>
public sealed class ArchiveExpiryS3Tests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    [S3Fact]
    public async Task RetentionApply_ObjectsPastKeep_AreDeletedFromS3_HeldModelStays_VerifyPasses()
    {
        string root = Path.Combine(Path.GetTempPath(), "dl-expiry-s3-" + Guid.NewGuid().ToString("N")[..12]);
        string ledger = Path.Combine(root, "ledger");
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ENDPOINT_URL_S3"] = S3Server.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3Server.Credentials.GetCredentials().AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3Server.Credentials.GetCredentials().SecretKey,
            ["AWS_REGION"] = "us-east-1",
        };
        try
        {
            // 2025's decisions, archived; a six-month keep has passed for every one of them.
            LedgerDirectory directory = LedgerDirectory.Create(ledger, "decisionledger.test/expiry");
            await using (var store = new SqliteLedgerStore(directory.DatabasePath))
            {
                DecisionRecorder recorder = await LedgerRecorder.StartAsync(directory, store);
                await using (recorder)
                {
                    var generator = new ScaleDecisions(1200);
                    while (generator.Next() is { } decision)
                    {
                        await recorder.RecordAsync(decision);
                    }
                }
            }

            await RunAsync(environment, 0, "archive", "--ledger", ledger, "--to", $"s3://{bucket}/ledgers/expiry", "--before", "2026-01-01");
            List<string> archived = await KeysAsync(client, bucket);
            Assert.Contains(archived, k => k.Contains("/credit_risk/", StringComparison.Ordinal));
            Assert.Contains(archived, k => k.Contains("/fraud_detector/", StringComparison.Ordinal));

            string policy = Path.Combine(root, "policy.json");
            await File.WriteAllTextAsync(policy, """{"retention":{"default":{"keep":"P6M"},"holds":[{"model":"credit_risk","reason":"case 16"}]}}""");

            // Dry run: lists, deletes nothing.
            DledgerRun dry = await RunAsync(environment, 0, "retention", "apply", "--dry-run", "--ledger", ledger, "--policy", policy);
            Assert.Contains("archive files due for deletion (past keep): ", dry.Out, StringComparison.Ordinal);
            Assert.Contains("kept by the hold on model credit_risk (case 16)", dry.Out, StringComparison.Ordinal);
            Assert.Equal(archived, await KeysAsync(client, bucket));

            DledgerRun applied = await RunAsync(environment, 0, "retention", "apply", "--ledger", ledger, "--policy", policy);
            Assert.Contains("past their 'keep' duration; archive-expiry entry seq ", applied.Out, StringComparison.Ordinal);
            List<string> left = await KeysAsync(client, bucket);
            Assert.NotEmpty(left);
            Assert.All(left, k => Assert.Contains("/credit_risk/", k, StringComparison.Ordinal));

            DledgerRun verified = await RunAsync(environment, 0, "verify", "--ledger", ledger);
            Assert.Contains("PASSED", verified.Out, StringComparison.Ordinal);
            Assert.Contains("expired by retention policy: ", verified.Out, StringComparison.Ordinal);

            // Seq 0's file expired unless seq 0 is a credit decision; find an expired one from the deleted keys.
            string deleted = archived.Except(left).First(k => k.EndsWith(".parquet", StringComparison.Ordinal));
            string expiredSeq = long.Parse(deleted[(deleted.LastIndexOf('/') + 1)..].Split('-')[0], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            DledgerRun shown = await RunAsync(environment, 2, "show", "--ledger", ledger, "--seq", expiredSeq);
            Assert.Contains($"The body of seq {expiredSeq} was deleted by the retention policy on ", shown.Error, StringComparison.Ordinal);
            Assert.Contains("still proves the entry existed", shown.Error, StringComparison.Ordinal);

            // An object removed behind the ledger's back is still tampering.
            string held = left.First(k => k.EndsWith(".parquet", StringComparison.Ordinal));
            await client.DeleteObjectAsync(bucket, held);
            DledgerRun failed = await RunAsync(environment, 1, "verify", "--ledger", ledger);
            Assert.Contains("archive-missing", failed.Out, StringComparison.Ordinal);
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<DledgerRun> RunAsync(Dictionary<string, string> environment, int exitCode, params string[] arguments)
    {
        DledgerRun run = await Dledger.RunAsync(environment, s_timeout, arguments);
        Assert.True(run.ExitCode == exitCode, $"dledger {string.Join(' ', arguments)}: expected exit {exitCode}; {run}");
        return run;
    }

    private static async Task<List<string>> KeysAsync(IAmazonS3 client, string bucket)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            ListObjectsV2Response page = await client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true)
            {
                break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
