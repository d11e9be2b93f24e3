using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace FraudDetection.Tests;

/// <summary>
/// A bucket of the test's own on the real S3-protocol server of .ci/services.sh (s3rver on loopback,
/// DLEDGER_TEST_S3_ENDPOINT), with its client; deleted with its objects.
/// </summary>
internal sealed class S3TestBucket : IAsyncDisposable
{
    public const string EndpointVariable = "DLEDGER_TEST_S3_ENDPOINT";

    private S3TestBucket(AmazonS3Client client, string name)
    {
        Client = client;
        Name = name;
    }

    public static string Endpoint => Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException($"{EndpointVariable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    public AmazonS3Client Client { get; }

    public string Name { get; }

    /// <summary>A client of the test server, configured as the archive package configures one for AWS_ENDPOINT_URL_S3.</summary>
    public static AmazonS3Client NewClient() => new(
        new BasicAWSCredentials(
            Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_ACCESS_KEY") ?? "S3RVER",
            Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_SECRET_KEY") ?? "S3RVER"),
        new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public static async Task<S3TestBucket> CreateAsync()
    {
        AmazonS3Client client = NewClient();
        string name = "dl-replay-" + Guid.NewGuid().ToString("N")[..20];
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return new S3TestBucket(client, name);
    }

    public Task UploadAsync(string key, string file) =>
        Client.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, FilePath = file, UseChunkEncoding = false });

    public async ValueTask DisposeAsync()
    {
        ListObjectsV2Response listed = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name });
        foreach (S3Object item in listed.S3Objects ?? [])
        {
            await Client.DeleteObjectAsync(Name, item.Key);
        }

        await Client.DeleteBucketAsync(Name);
        Client.Dispose();
    }
}

/// <summary>A fact that needs the S3 server (DLEDGER_TEST_S3_ENDPOINT); skipped without it, except under DLEDGER_TEST_REQUIRE_SERVICES=1 (CI).</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(S3TestBucket.EndpointVariable))
            && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = $"needs a real S3 server: set {S3TestBucket.EndpointVariable} (source .ci/services.sh)";
        }
    }
}
