using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// The real S3-protocol server of .ci/services.sh (s3rver on loopback), found through DLEDGER_TEST_S3_ENDPOINT.
/// Each test works in a bucket of its own.
/// </summary>
internal static class S3Server
{
    public const string EndpointVariable = "DLEDGER_TEST_S3_ENDPOINT";

    public static string Endpoint => Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException($"{EndpointVariable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    public static BasicAWSCredentials Credentials => new(
        Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_ACCESS_KEY") ?? "S3RVER",
        Environment.GetEnvironmentVariable("DLEDGER_TEST_S3_SECRET_KEY") ?? "S3RVER");

    public static AmazonS3Client Client(string? endpoint = null) => S3ClientFactory.Create(endpoint ?? Endpoint, Credentials);

    /// <summary>A fresh bucket with a unique name; the caller deletes it with <see cref="DeleteBucketAsync"/>.</summary>
    public static async Task<string> CreateBucketAsync(IAmazonS3 client)
    {
        string bucket = "dl-test-" + Guid.NewGuid().ToString("N")[..20];
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    public static async Task DeleteBucketAsync(IAmazonS3 client, string bucket)
    {
        ListObjectsV2Response listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        foreach (S3Object item in listed.S3Objects ?? [])
        {
            await client.DeleteObjectAsync(bucket, item.Key);
        }

        await client.DeleteBucketAsync(bucket);
    }
}

/// <summary>A fact that needs the S3 server (DLEDGER_TEST_S3_ENDPOINT); skipped without it, except under DLEDGER_TEST_REQUIRE_SERVICES=1 (CI).</summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(S3Server.EndpointVariable))
            && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = $"needs a real S3 server: set {S3Server.EndpointVariable} (source .ci/services.sh)";
        }
    }
}
