using Amazon.Runtime;
using Amazon.S3;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// Builds the S3 client the way every AWS tool does: credentials and region from the SDK's default
/// chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, instance roles), and the
/// endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when one is set (MinIO, s3rver, another
/// S3-compatible store), which also switches to path-style addressing.
/// </summary>
internal static class S3ClientFactory
{
    public const string ServiceEndpointVariable = "AWS_ENDPOINT_URL_S3";
    public const string EndpointVariable = "AWS_ENDPOINT_URL";

    // Without a configured region a custom endpoint still needs one to sign with; S3-compatible
    // servers accept us-east-1, the region S3 itself signs global requests with.
    private const string FallbackSigningRegion = "us-east-1";

    /// <summary>The endpoint override from the environment, or null for AWS's own endpoints.</summary>
    public static string? EndpointFromEnvironment() =>
        Environment.GetEnvironmentVariable(ServiceEndpointVariable) is { Length: > 0 } service ? service
        : Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } general ? general
        : null;

    /// <summary>A client for <paramref name="endpoint"/> (null: AWS), with credentials from the default chain.</summary>
    public static AmazonS3Client Create(string? endpoint, AWSCredentials? credentials = null)
    {
        var config = new AmazonS3Config
        {
            // The archive sends its own SHA-256 of every object and part (a header, not a trailer):
            // servers other than AWS do not all read aws-chunked trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"{ServiceEndpointVariable}: '{endpoint}' is not an http(s) URL, e.g. http://127.0.0.1:9000.");
            }

            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region ? region : FallbackSigningRegion;
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
