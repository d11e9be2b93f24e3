using Amazon.S3;
using Amazon.S3.Model;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// The policy's <c>inputs</c> duration reaches inputs archived to S3 (issue 16), through the real <c>dledger</c>
/// and the real S3 server: <c>retention apply --dry-run</c> lists them and changes nothing, <c>retention apply</c>
/// rewrites the objects without them (a legal hold's kept), <c>verify</c> passes, and a second run does nothing.
/// </summary>
public sealed class ArchivedInputRetentionS3Tests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    [S3Fact]
    public async Task RetentionApply_ArchivedInputsPastTheirDuration_AreRemovedFromTheS3Objects_HeldOnesKept_VerifyPasses()
    {
        string root = Path.Combine(Path.GetTempPath(), "dl-arcinputs-" + Guid.NewGuid().ToString("N")[..12]);
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
            // 600 decisions of 2025, archived with their inputs (no policy yet).
            LedgerDirectory directory = LedgerDirectory.Create(ledger, "decisionledger.test/archived-inputs");
            await using (var store = new SqliteLedgerStore(directory.DatabasePath))
            {
                DecisionRecorder recorder = await LedgerRecorder.StartAsync(directory, store);
                await using (recorder)
                {
                    var generator = new ScaleDecisions(600);
                    while (generator.Next() is { } decision)
                    {
                        await recorder.RecordAsync(decision);
                    }
                }
            }

            await RunAsync(environment, "archive", "--ledger", ledger, "--to", $"s3://{bucket}/ledgers/a", "--before", "2026-01-01");
            Dictionary<string, byte[]> objects = await ObjectsAsync(client, bucket);
            Dictionary<long, ArchiveRow> before = await RowsAsync(objects);
            Assert.NotEmpty(before);
            string held = before.Values.First(r => r.Subject is not null && r.Input is not null).Subject!;
            int due = before.Values.Count(r => r.Input is not null && r.Subject != held);
            int kept = before.Values.Count(r => r.Input is not null && r.Subject == held);
            string policy = Path.Combine(root, "policy.json");
            await File.WriteAllTextAsync(policy, $$$"""{"retention":{"default":{"inputs":"P30D"},"holds":[{"subject":"{{{held}}}","reason":"case 7"}]}}""");

            DledgerRun dryRun = await RunAsync(environment, "retention", "apply", "--dry-run", "--policy", policy, "--ledger", ledger);
            Assert.Contains($"archived inputs due for deletion: {due} in ", dryRun.Out, StringComparison.Ordinal);
            Assert.Contains($"kept by the hold on subject {held} (case 7): {kept} archived inputs", dryRun.Out, StringComparison.Ordinal);
            AssertSame(objects, await ObjectsAsync(client, bucket));

            DledgerRun applied = await RunAsync(environment, "retention", "apply", "--policy", policy, "--ledger", ledger);
            Assert.Contains($"removed {due} archived inputs past their 'inputs' duration", applied.Out, StringComparison.Ordinal);
            Dictionary<string, byte[]> rewritten = await ObjectsAsync(client, bucket);
            Dictionary<long, ArchiveRow> after = await RowsAsync(rewritten);
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            foreach ((long seq, ArchiveRow row) in after)
            {
                Assert.Equal(before[seq].Entry, row.Entry);
                bool gone = before[seq].Subject != held;
                Assert.Equal(gone ? null : before[seq].Input, row.Input);
                Assert.Equal(gone ? null : before[seq].Salt, row.Salt);
            }

            DledgerRun verified = await RunAsync(environment, "verify", "--ledger", ledger);
            Assert.Contains("PASSED", verified.Out, StringComparison.Ordinal);

            DledgerRun again = await RunAsync(environment, "retention", "apply", "--policy", policy, "--ledger", ledger);
            Assert.Contains("archived inputs due for deletion: 0 in ", again.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("removed ", again.Out, StringComparison.Ordinal);
            AssertSame(rewritten, await ObjectsAsync(client, bucket));
        }
        finally
        {
            await EmptyAndDeleteAsync(client, bucket);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<DledgerRun> RunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        DledgerRun run = await Dledger.RunAsync(environment, s_timeout, arguments);
        Assert.True(run.ExitCode == 0, $"dledger {string.Join(' ', arguments)}: {run}");
        return run;
    }

    private static async Task<Dictionary<string, byte[]>> ObjectsAsync(IAmazonS3 client, string bucket)
    {
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            ListObjectsV2Response page = await client.ListObjectsV2Async(request);
            foreach (S3Object item in page.S3Objects ?? [])
            {
                using GetObjectResponse response = await client.GetObjectAsync(bucket, item.Key);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer);
                objects[item.Key] = buffer.ToArray();
            }

            if (page.IsTruncated != true)
            {
                return objects;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static async Task<Dictionary<long, ArchiveRow>> RowsAsync(Dictionary<string, byte[]> objects)
    {
        var rows = new Dictionary<long, ArchiveRow>();
        foreach ((string key, byte[] bytes) in objects)
        {
            if (key.EndsWith(ArchivePaths.FileExtension, StringComparison.Ordinal))
            {
                foreach (ArchiveRow row in await ArchiveParquetReader.ReadAsync(new MemoryStream(bytes)))
                {
                    rows.Add(row.Seq, row);
                }
            }
        }

        return rows;
    }

    private static void AssertSame(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, byte[] bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[key]), $"{key} changed");
        }
    }

    private static async Task EmptyAndDeleteAsync(IAmazonS3 client, string bucket)
    {
        foreach (string key in (await ObjectsAsync(client, bucket)).Keys)
        {
            await client.DeleteObjectAsync(bucket, key);
        }

        await client.DeleteBucketAsync(bucket);
    }
}
