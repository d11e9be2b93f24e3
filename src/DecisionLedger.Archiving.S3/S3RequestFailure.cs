using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// Turns the SDK's failures into sentences that name the bucket, the key and the endpoint, the same
/// for the archive (<see cref="S3ArchiveDestination"/>) and the replay artifacts (<see cref="S3ArtifactStore"/>):
/// a missing bucket, access denied (with the credential variables to check), or an endpoint that cannot be reached.
/// </summary>
internal static class S3RequestFailure
{
    /// <summary>True for the exceptions an S3 request fails with: a service answer or no answer at all.</summary>
    public static bool IsRequestFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or System.Net.Sockets.SocketException;

    /// <summary>The endpoint a client talks to, as errors name it.</summary>
    public static string EndpointOf(IAmazonS3 client) => client.Config.ServiceURL is { Length: > 0 } url ? url : "AWS S3";

    /// <summary>The sentence for <paramref name="e"/>, a failed <paramref name="action"/> of <c>s3://bucket/key</c>.</summary>
    /// <param name="e">A failure for which <see cref="IsRequestFailure"/> is true.</param>
    /// <param name="action">What was being done, e.g. <c>reading</c>.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="key">The key or listed prefix.</param>
    /// <param name="endpoint">The endpoint (<see cref="EndpointOf"/>).</param>
    /// <param name="fix">What to correct when the bucket does not exist, e.g. <c>fix --artifacts</c>.</param>
    public static string Describe(Exception e, string action, string bucket, string key, string endpoint, string fix)
    {
        string where = $"s3://{bucket}/{key} at {endpoint}";
        if (e is AmazonS3Exception s3)
        {
            return s3.ErrorCode switch
            {
                "NoSuchBucket" => $"{action} {where}: the bucket '{bucket}' does not exist (NoSuchBucket); create it or {fix}.",
                "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AllAccessDisabled" or "ExpiredToken" or "InvalidToken" =>
                    $"{action} {where}: access denied ({s3.ErrorCode}: {s3.Message}); check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and the bucket policy.",
                _ when s3.StatusCode == HttpStatusCode.Forbidden =>
                    $"{action} {where}: access denied (HTTP 403 {s3.ErrorCode}); check the AWS credentials and the bucket policy.",
                _ => $"{action} {where} failed: {s3.ErrorCode ?? ((int)s3.StatusCode).ToString(CultureInfo.InvariantCulture)}: {s3.Message}",
            };
        }

        return $"{action} s3://{bucket}/{key}: the endpoint {endpoint} cannot be reached ({Innermost(e).Message}); check the network and {S3ClientFactory.ServiceEndpointVariable}.";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
