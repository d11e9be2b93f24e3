using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using DecisionLedger.Replay;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// A replay artifact store under an S3 prefix (<c>s3://bucket/prefix</c>), laid out like a
/// <see cref="DirectoryArtifactStore"/>: the artifact whose SHA-256 is <c>H</c> is the object
/// <c>prefix/H</c>, or else <c>prefix/H.zip</c>, <c>prefix/H.onnx</c> … (any one extension, the first
/// in key order). An artifact is downloaded once into a private temporary directory, its bytes hashed
/// on the way: bytes that do not hash to <c>H</c> are never handed to a loader
/// (<see cref="ArtifactDigestMismatchException"/>, naming the key). Requests that fail (access
/// denied, no such bucket, endpoint unreachable) throw <see cref="ArtifactStoreUnavailableException"/>
/// naming the bucket, the key and the endpoint. Dispose it to delete the downloaded files.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    private const string Fix = "fix the artifact store's s3:// location";

    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly string _endpoint;

    // One download per digest, shared by every decision (and concurrent lookup) that names it.
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _downloads = new(StringComparer.Ordinal);

    // A tampered object is not downloaded again while its ETag stays the same: a HEAD tells.
    private readonly ConcurrentDictionary<string, Mismatch> _mismatches = new(StringComparer.Ordinal);
    private readonly Lazy<DirectoryInfo> _directory = new(() => Directory.CreateTempSubdirectory("dledger-artifacts-"), LazyThreadSafetyMode.ExecutionAndPublication);
    private int _downloadCount;
    private volatile bool _disposed;

    /// <summary>Creates a store over a client the caller configured (and disposes).</summary>
    /// <param name="client">The S3 client.</param>
    /// <param name="location">The bucket and the prefix the artifacts are under.</param>
    public S3ArtifactStore(IAmazonS3 client, S3ArchiveLocation location)
        : this(client, location, ownsClient: false)
    {
    }

    private S3ArtifactStore(IAmazonS3 client, S3ArchiveLocation location, bool ownsClient)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Location = location ?? throw new ArgumentNullException(nameof(location));
        _ownsClient = ownsClient;
        _endpoint = S3RequestFailure.EndpointOf(client);
    }

    /// <summary>The bucket and prefix.</summary>
    public S3ArchiveLocation Location { get; }

    /// <inheritdoc />
    public string Source => Location.ToString();

    /// <summary>How many objects were downloaded so far: once per artifact, whatever the number of decisions.</summary>
    internal int Downloads => Volatile.Read(ref _downloadCount);

    /// <summary>
    /// Opens <c>s3://bucket/prefix</c> with the AWS SDK's default credential and region chain, and the
    /// endpoint of <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> when one is set, as
    /// <see cref="S3ArchiveDestination.Open"/> does.
    /// </summary>
    /// <param name="uri">The location, <c>s3://bucket/prefix</c>.</param>
    /// <param name="field">The option the URI came from, named in errors.</param>
    /// <returns>The store, which owns (and disposes) its client.</returns>
    /// <exception cref="FormatException">The URI or the endpoint variable is malformed.</exception>
    public static S3ArtifactStore Open(string uri, string field = "--artifacts")
    {
        // The location first: a malformed one leaves no client behind.
        S3ArchiveLocation location = S3ArchiveLocation.Parse(uri, field);
        return new(S3ClientFactory.Create(S3ClientFactory.EndpointFromEnvironment()), location, ownsClient: true);
    }

    /// <inheritdoc />
    public async ValueTask<string?> LocateAsync(string sha256Hex, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256Hex);
        if (sha256Hex.Length != 64 || !sha256Hex.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{sha256Hex}' is not a SHA-256 in 64 lowercase hex digits.", nameof(sha256Hex));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        Lazy<Task<string?>> download = _downloads.GetOrAdd(sha256Hex, hex => new Lazy<Task<string?>>(() => FetchAsync(hex, cancellationToken)));
        try
        {
            string? path = await download.Value.ConfigureAwait(false);
            if (path is null)
            {
                // Not there now: an object uploaded later (to a long-running collector) is found next time.
                _downloads.TryRemove(KeyValuePair.Create(sha256Hex, download));
            }

            return path;
        }
        catch
        {
            _downloads.TryRemove(KeyValuePair.Create(sha256Hex, download));
            throw;
        }
    }

    /// <summary>Deletes the downloaded artifacts, and disposes the client when this store created it (<see cref="Open"/>).</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_ownsClient)
        {
            _client.Dispose();
        }

        if (_directory.IsValueCreated)
        {
            try
            {
                _directory.Value.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file still open (a model a loader keeps mapped) stays for the system's temp cleaner.
            }
        }
    }

    private async Task<string?> FetchAsync(string hex, CancellationToken cancellationToken)
    {
        if (_mismatches.TryGetValue(hex, out Mismatch? known)
            && await ETagOfAsync(known.Key, cancellationToken).ConfigureAwait(false) is { } etag
            && etag == known.ETag)
        {
            throw new ArtifactDigestMismatchException(Where(known.Key), hex, known.ActualSha256Hex);
        }

        GetObjectResponse? response = await GetAsync(Location.KeyOf(hex), cancellationToken).ConfigureAwait(false);
        if (response is null && await FindWithExtensionAsync(hex, cancellationToken).ConfigureAwait(false) is { } key)
        {
            response = await GetAsync(key, cancellationToken).ConfigureAwait(false);
        }

        if (response is null)
        {
            return null;
        }

        using (response)
        {
            return await DownloadAsync(hex, response, cancellationToken).ConfigureAwait(false);
        }
    }

    // Streams the body to a private file while hashing it; only a file whose bytes hash to the digest keeps its name.
    private async Task<string> DownloadAsync(string hex, GetObjectResponse response, CancellationToken cancellationToken)
    {
        string key = response.Key;
        string path = Path.Combine(_directory.Value.FullName, key[(key.LastIndexOf('/') + 1)..]);
        string partial = path + ".part";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        string actual;
        using (var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var file = new FileStream(partial, options);
            await using (file.ConfigureAwait(false))
            {
                byte[] buffer = new byte[81920];
                int read;
                while ((read = await ReadAsync(key, response.ResponseStream, buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha256.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            actual = Convert.ToHexStringLower(sha256.GetHashAndReset());
        }

        Interlocked.Increment(ref _downloadCount);
        if (actual != hex)
        {
            File.Delete(partial);
            _mismatches[hex] = new Mismatch(key, response.ETag, actual);
            throw new ArtifactDigestMismatchException(Where(key), hex, actual);
        }

        _mismatches.TryRemove(hex, out _);
        File.Move(partial, path, overwrite: true);
        return path;
    }

    // A connection lost in the middle of the body is the endpoint's failure, not the local disk's.
    private async ValueTask<int> ReadAsync(string key, Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ArtifactStoreUnavailableException(S3RequestFailure.Describe(e, "downloading artifact", Location.Bucket, key, _endpoint, Fix), e);
        }
    }

    private Task<GetObjectResponse?> GetAsync(string key, CancellationToken cancellationToken) =>
        Guard(key, "reading artifact", async () =>
        {
            try
            {
                return await _client.GetObjectAsync(new GetObjectRequest { BucketName = Location.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (IsMissingKey(e))
            {
                return null;
            }
        });

    private Task<string?> ETagOfAsync(string key, CancellationToken cancellationToken) =>
        Guard(key, "reading artifact", async () =>
        {
            try
            {
                GetObjectMetadataResponse head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Location.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                return head.ETag;
            }
            catch (AmazonS3Exception e) when (IsMissingKey(e))
            {
                return null;
            }
        });

    // H.ext with one extension, as DirectoryArtifactStore matches H.* whose name without extension is H.
    private async Task<string?> FindWithExtensionAsync(string hex, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Location.Bucket, Prefix = Location.KeyOf(hex + ".") };
        string? first = null;
        while (true)
        {
            ListObjectsV2Response page = await Guard(request.Prefix, "listing artifacts", () => _client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (S3Object item in page.S3Objects ?? [])
            {
                string extension = item.Key[request.Prefix.Length..];
                if (extension.IndexOfAny(['.', '/']) < 0 && (first is null || string.CompareOrdinal(item.Key, first) < 0))
                {
                    first = item.Key;
                }
            }

            if (page.IsTruncated != true)
            {
                return first;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<T> Guard<T>(string key, string action, Func<Task<T>> request)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (S3RequestFailure.IsRequestFailure(e))
        {
            throw new ArtifactStoreUnavailableException(S3RequestFailure.Describe(e, action, Location.Bucket, key, _endpoint, Fix), e);
        }
    }

    private static bool IsMissingKey(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or "NotFound";

    private string Where(string key) => $"s3://{Location.Bucket}/{key}";

    private sealed record Mismatch(string Key, string? ETag, string ActualSha256Hex);
}
