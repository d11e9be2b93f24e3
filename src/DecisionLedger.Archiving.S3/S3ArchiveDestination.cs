using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// An archive in S3-compatible object storage: each archive path becomes the object
/// <c>prefix/path</c> of one bucket. Uploads carry their SHA-256 (S3 rejects a body that does not
/// match it); files larger than <see cref="S3ArchiveOptions.PartSize"/> go up as a multipart upload
/// with a SHA-256 per part, <see cref="S3ArchiveOptions.ConcurrentParts"/> parts at a time, aborted if any part fails. Failures throw <see cref="S3ArchiveException"/>
/// naming the bucket, the key and the endpoint.
/// </summary>
public sealed class S3ArchiveDestination : IArchiveDestination, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ArchiveOptions _options;
    private readonly string _endpoint;

    /// <summary>Creates a destination over a client the caller configured (and disposes).</summary>
    /// <param name="client">The S3 client.</param>
    /// <param name="location">The bucket and prefix.</param>
    /// <param name="options">Upload settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="S3ArchiveOptions.PartSize"/> is below <see cref="S3ArchiveOptions.MinimumPartSize"/>, or <see cref="S3ArchiveOptions.ConcurrentParts"/> below 1.</exception>
    public S3ArchiveDestination(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options = null)
        : this(client, location, options, ownsClient: false)
    {
    }

    private S3ArchiveDestination(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options, bool ownsClient)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Location = location ?? throw new ArgumentNullException(nameof(location));
        _options = options ?? new S3ArchiveOptions();
        if (_options.PartSize < S3ArchiveOptions.MinimumPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.PartSize, $"PartSize: S3 takes parts of at least {S3ArchiveOptions.MinimumPartSize} bytes.");
        }

        if (_options.ConcurrentParts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ConcurrentParts, "ConcurrentParts: at least 1 part must be in flight.");
        }

        _ownsClient = ownsClient;
        _endpoint = S3RequestFailure.EndpointOf(client);
    }

    /// <summary>The bucket and prefix.</summary>
    public S3ArchiveLocation Location { get; }

    /// <summary>The client, for tests that check how <see cref="Open"/> configured it.</summary>
    internal IAmazonS3 Client => _client;

    /// <summary>
    /// Opens <c>s3://bucket/prefix</c> with the AWS SDK's default credential and region chain, and the
    /// endpoint of <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> when one is set (path-style addressing then).
    /// </summary>
    /// <param name="uri">The location, <c>s3://bucket/prefix</c>.</param>
    /// <param name="field">The option or setting the URI came from, named in errors.</param>
    /// <param name="options">Upload settings; null for the defaults.</param>
    /// <returns>The destination, which owns (and disposes) its client.</returns>
    /// <exception cref="FormatException">The URI or the endpoint variable is malformed.</exception>
    public static S3ArchiveDestination Open(string uri, string field = "destination", S3ArchiveOptions? options = null) =>
        new(S3ClientFactory.Create(S3ClientFactory.EndpointFromEnvironment()), S3ArchiveLocation.Parse(uri, field), options, ownsClient: true);

    /// <inheritdoc />
    public string Describe() => Location.ToString();

    /// <inheritdoc />
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string key = Location.KeyOf(CheckPath(path));
        await Guard(key, "writing", () => new S3Upload(_client, Location.Bucket, key, _options.PartSize, _options.ConcurrentParts).RunAsync(content, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        string key = Location.KeyOf(CheckPath(path));
        GetObjectResponse? response = await Guard(key, "reading", async () =>
        {
            try
            {
                return await _client.GetObjectAsync(new GetObjectRequest { BucketName = Location.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or "NotFound")
            {
                return null;
            }
        }).ConfigureAwait(false);
        return response is null ? null : new S3ObjectStream(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string root = Location.Prefix.Length == 0 ? "" : Location.Prefix + "/";
        var request = new ListObjectsV2Request { BucketName = Location.Bucket, Prefix = root + prefix.TrimStart('/') };
        while (true)
        {
            ListObjectsV2Response page = await Guard(request.Prefix, "listing", () => _client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (S3Object item in page.S3Objects ?? [])
            {
                yield return item.Key[root.Length..];
            }

            if (page.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        string key = Location.KeyOf(CheckPath(path));
        await Guard(key, "deleting", () => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Location.Bucket, Key = key }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Disposes the client when this destination created it (<see cref="Open"/>).</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private static string CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal)
            || path.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"archive path '{path}': a relative '/'-separated path without empty, '.' or '..' segments is expected.", nameof(path));
        }

        return path;
    }

    // One place turns the SDK's failures into sentences that name the bucket, the key and the endpoint.
    private async Task<T> Guard<T>(string key, string action, Func<Task<T>> request)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (S3RequestFailure.IsRequestFailure(e))
        {
            throw new S3ArchiveException(S3RequestFailure.Describe(e, action, Location.Bucket, key, _endpoint, "fix the destination"), Location.Bucket, key, e);
        }
    }

    private Task Guard(string key, string action, Func<Task> request) =>
        Guard<bool>(key, action, async () =>
        {
            await request().ConfigureAwait(false);
            return true;
        });
}
