using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// The whole path on real servers: <c>dledger archive --to s3://…</c> into s3rver (.ci/services.sh), then
/// <c>query --include-archive</c> and <c>archive sql</c> find the archived decisions through the ledger's
/// own record of where it archived, exactly as before archiving.
/// </summary>
[Collection(AwsEnvironment.Collection)]
public sealed class ArchiveToS3Tests
{
    [S3Fact]
    public async Task ArchiveToS3_ThenQueryIncludeArchive_FindsWhatTheLiveQueryFoundBefore()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "600", "--ledger", temp.Ledger)).ExitCode);
        string[] query = ["query", "--ledger", temp.Ledger, "--model", "fraud_detector", "--where", "output.label = \"fraud\"", "--limit", "1000", "--json"];
        long[] before = QueryIncludeArchiveTests.DecisionSeqs((await CliRun.RunAsync(query)).Out, out _);
        Assert.NotEmpty(before);

        using AwsEnvironment aws = AwsEnvironment.ForTestServer();
        string bucket = "dl-cli-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal);
        using AmazonS3Client client = aws.Client();
        await client.PutBucketAsync(bucket);

        CliResult archived = await CliRun.RunAsync("archive", "--ledger", temp.Ledger, "--to", $"s3://{bucket}/ledgers/demo", "--before", "2100-01-01");
        Assert.True(archived.ExitCode == 0, archived.ToString());
        ListObjectsV2Response objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "ledgers/demo/" });
        Assert.Contains(objects.S3Objects ?? [], o => o.Key.EndsWith(".parquet", StringComparison.Ordinal));

        // The live query alone no longer sees the archived decisions (those in full, checkpointed tiles);
        // with the archive it sees them all again.
        long[] liveAfter = QueryIncludeArchiveTests.DecisionSeqs((await CliRun.RunAsync(query)).Out, out _);
        Assert.True(liveAfter.Length < before.Length, $"{liveAfter.Length} of {before.Length} still live");
        CliResult included = await CliRun.RunAsync([.. query, "--include-archive"]);
        Assert.True(included.ExitCode == 0, included.ToString());
        Assert.Equal(before, QueryIncludeArchiveTests.DecisionSeqs(included.Out, out _));

        CliResult sql = await CliRun.RunAsync("archive", "sql", "SELECT count(*) FROM decisions WHERE output->>'label' = 'fraud'", "--ledger", temp.Ledger, "--csv");
        Assert.True(sql.ExitCode == 0, sql.ToString());
        Assert.Equal((before.Length - liveAfter.Length).ToString(System.Globalization.CultureInfo.InvariantCulture), sql.Out.Split('\n')[1].Trim());
    }

    [S3Fact]
    public async Task ArchiveToS3_MissingBucket_FailsNamingTheBucket_AndKeepsTheLiveStore()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "300", "--ledger", temp.Ledger)).ExitCode);
        using AwsEnvironment aws = AwsEnvironment.ForTestServer();

        CliResult archived = await CliRun.RunAsync("archive", "--ledger", temp.Ledger, "--to", "s3://dl-no-such-bucket-cli/x", "--before", "2100-01-01");

        Assert.Equal(3, archived.ExitCode);
        Assert.Contains("the bucket 'dl-no-such-bucket-cli' does not exist (NoSuchBucket)", archived.Error, StringComparison.Ordinal);
        CliResult live = await CliRun.RunAsync("query", "--ledger", temp.Ledger, "--limit", "1000", "--json");
        Assert.Equal(300, QueryIncludeArchiveTests.DecisionSeqs(live.Out, out _).Length);
    }

    [Fact]
    public async Task ArchiveTo_MalformedS3Location_IsBadInputNamingTo()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/s3", "--ledger", temp.Ledger)).ExitCode);

        CliResult result = await CliRun.RunAsync("archive", "--ledger", temp.Ledger, "--to", "s3://Bad_Bucket/x", "--before", "2100-01-01");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to: 's3://Bad_Bucket/x'", result.Error, StringComparison.Ordinal);
    }
}

/// <summary>Sets the AWS SDK's standard variables to the test S3 server for one test, and restores them.</summary>
internal sealed class AwsEnvironment : IDisposable
{
    public const string Collection = "AWS environment variables";
    private static readonly string[] s_names = ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"];
    private readonly Dictionary<string, string?> _saved = s_names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    private AwsEnvironment()
    {
    }

    public static string Endpoint => Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_ENDPOINT") is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException("DLEDGER_TEST_S3_ENDPOINT is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    public static AwsEnvironment ForTestServer()
    {
        var environment = new AwsEnvironment();
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", Endpoint);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_ACCESS_KEY") ?? "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_SECRET_KEY") ?? "S3RVER");
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        return environment;
    }

    public AmazonS3Client Client() => new(
        new BasicAWSCredentials(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

/// <summary>A fact that needs the S3 server (DLEDGER_TEST_S3_ENDPOINT); skipped without it, except under DLEDGER_TEST_REQUIRE_SERVICES=1 (CI).</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_ENDPOINT"))
            && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = "needs a real S3 server: set DLEDGER_TEST_S3_ENDPOINT (source .ci/services.sh)";
        }
    }
}
