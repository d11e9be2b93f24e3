using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using DecisionLedger.Replay;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// Issue 17, 1(a): the replay artifact store under an S3 prefix, on the real s3rver: the directory
/// store's layout under the prefix, the digest checked on download, one download per artifact, and
/// failures that name the bucket, the key and the endpoint.
/// </summary>
public sealed class S3ArtifactStoreTests
{
    private static readonly byte[] s_model = "a model file's bytes, any bytes will do"u8.ToArray();
    private static readonly string s_hex = Convert.ToHexStringLower(SHA256.HashData(s_model));

    [S3Fact]
    public async Task LocateAsync_ObjectNamedByItsDigestUnderThePrefix_IsDownloadedToAPrivateFile()
    {
        await using var bucket = await TestBucket.CreateAsync();
        await bucket.PutAsync($"models/fraud/{s_hex}", s_model);
        using var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "models/fraud"));

        string? path = await store.LocateAsync(s_hex);

        Assert.NotNull(path);
        Assert.Equal(s_model, await File.ReadAllBytesAsync(path));
        Assert.Equal(s_hex, Path.GetFileName(path));
        Assert.Equal($"s3://{bucket.Name}/models/fraud", store.Source);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [S3Fact]
    public async Task LocateAsync_OneExtension_IsFoundAsInADirectory_AndKeepsItsExtension()
    {
        await using var bucket = await TestBucket.CreateAsync();

        // As DirectoryArtifactStore: H.* with one extension, the first in ordinal order; H.tar.gz is no match.
        await bucket.PutAsync($"p/{s_hex}.tar.gz", [1, 2, 3]);
        await bucket.PutAsync($"p/{s_hex}.zip", s_model);
        await bucket.PutAsync($"p/{s_hex}.zzz", [4, 5, 6]);
        using var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p"));

        string? path = await store.LocateAsync(s_hex);

        Assert.Equal(s_hex + ".zip", Path.GetFileName(path));
        Assert.Equal(s_model, await File.ReadAllBytesAsync(path!));
    }

    [S3Fact]
    public async Task LocateAsync_NoObjectForTheDigest_IsNull_AndFoundOnceUploaded()
    {
        await using var bucket = await TestBucket.CreateAsync();

        // Another digest's object and a longer key that merely starts with the digest are no match.
        await bucket.PutAsync($"p/{new string('0', 64)}.zip", [9]);
        await bucket.PutAsync($"p/{s_hex}.zip/inner", s_model);
        using var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p"));

        Assert.Null(await store.LocateAsync(s_hex));

        // A long-running collector finds an artifact uploaded after a miss.
        await bucket.PutAsync($"p/{s_hex}", s_model);
        Assert.NotNull(await store.LocateAsync(s_hex));
    }

    [S3Fact]
    public async Task LocateAsync_ObjectWhoseBytesDoNotHashToTheDigest_IsADigestMismatchNamingTheKey_AndNoFileIsLeft()
    {
        await using var bucket = await TestBucket.CreateAsync();
        byte[] tampered = [.. s_model, (byte)'!'];
        await bucket.PutAsync($"p/{s_hex}.zip", tampered);
        using var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p"));

        ArtifactDigestMismatchException error = await Assert.ThrowsAsync<ArtifactDigestMismatchException>(async () => await store.LocateAsync(s_hex));

        Assert.StartsWith("artifact digest mismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket.Name}/p/{s_hex}.zip", error.Message, StringComparison.Ordinal);
        Assert.Equal(s_hex, error.ExpectedSha256Hex);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(tampered)), error.ActualSha256Hex);

        // The same tampered object is not downloaded again; a repaired one is.
        await Assert.ThrowsAsync<ArtifactDigestMismatchException>(async () => await store.LocateAsync(s_hex));
        Assert.Equal(1, store.Downloads);
        await bucket.PutAsync($"p/{s_hex}.zip", s_model);
        string? repaired = await store.LocateAsync(s_hex);
        Assert.Equal(s_model, await File.ReadAllBytesAsync(repaired!));
        Assert.Equal([s_hex + ".zip"], Directory.GetFiles(Path.GetDirectoryName(repaired!)!).Select(Path.GetFileName));
    }

    [S3Fact]
    public async Task LocateAsync_AThousandDecisionsOfOneModel_DownloadIt_Once()
    {
        await using var bucket = await TestBucket.CreateAsync();
        await bucket.PutAsync($"p/{s_hex}.zip", s_model);
        using var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p"));

        string?[] paths = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => store.LocateAsync(s_hex).AsTask()));

        Assert.Equal(1, store.Downloads);
        Assert.Single(paths.Distinct());

        // Served from the run's copy: the object is not read again, even once it is gone.
        await bucket.Client.DeleteObjectAsync(bucket.Name, $"p/{s_hex}.zip");
        Assert.Equal(paths[0], await store.LocateAsync(s_hex));
        Assert.Equal(1, store.Downloads);
    }

    [S3Fact]
    public async Task Dispose_DeletesTheDownloadedArtifacts()
    {
        await using var bucket = await TestBucket.CreateAsync();
        await bucket.PutAsync($"{s_hex}.zip", s_model);
        var store = new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, ""));
        string path = (await store.LocateAsync(s_hex))!;

        store.Dispose();

        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.LocateAsync(s_hex));
    }

    [S3Fact]
    public async Task LocateAsync_BucketMissing_NamesBucketKeyAndEndpoint()
    {
        using AmazonS3Client client = S3Server.Client();
        using var store = new S3ArtifactStore(client, new S3ArchiveLocation("dl-no-such-artifacts-17", "models"));

        ArtifactStoreUnavailableException error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(async () => await store.LocateAsync(s_hex));

        Assert.Contains("the bucket 'dl-no-such-artifacts-17' does not exist (NoSuchBucket)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://dl-no-such-artifacts-17/models/{s_hex}", error.Message, StringComparison.Ordinal);
        Assert.Contains(S3Server.Endpoint, error.Message, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task LocateAsync_UnknownAccessKey_IsAccessDenied_NamingBucketKeyAndEndpoint()
    {
        await using var bucket = await TestBucket.CreateAsync();
        await bucket.PutAsync($"p/{s_hex}", s_model);
        using var bad = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("NOT-A-KNOWN-KEY", "S3RVER"), bucket.Client.Config as AmazonS3Config);
        using var store = new S3ArtifactStore(bad, new S3ArchiveLocation(bucket.Name, "p"));

        ArtifactStoreUnavailableException error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(async () => await store.LocateAsync(s_hex));

        Assert.Contains("access denied", error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket.Name}/p/{s_hex}", error.Message, StringComparison.Ordinal);
        Assert.Contains(S3Server.Endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocateAsync_EndpointDown_SaysItCannotBeReached()
    {
        // A loopback port nobody listens on: the same refusal a stopped server gives.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        string endpoint = $"http://127.0.0.1:{port}";
        var config = new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        using var client = new AmazonS3Client(S3Server.Credentials, config);
        using var store = new S3ArtifactStore(client, new S3ArchiveLocation("model-artifacts", "p"));

        ArtifactStoreUnavailableException error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(async () => await store.LocateAsync(s_hex));

        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains($"s3://model-artifacts/p/{s_hex}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://Bad_Bucket/models")]
    [InlineData("s3:///models")]
    public void Open_MalformedLocation_IsAFormatErrorNamingTheOption(string uri)
    {
        FormatException error = Assert.Throws<FormatException>(() => S3ArtifactStore.Open(uri, "--replay-artifacts"));

        Assert.StartsWith("--replay-artifacts:", error.Message, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Scorer_TamperedObject_IsNotReplayable_AndTheLoaderIsNeverHandedIt()
    {
        await using var bucket = await TestBucket.CreateAsync();
        await bucket.PutAsync($"p/{s_hex}.zip", "retrained, same name and version"u8.ToArray());
        var loader = new RecordingLoader();
        using var scorer = new ArtifactReplayScorer(new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p")), loader);
        using var input = System.Text.Json.JsonDocument.Parse("{\"amount\":1}");

        ReplayScore score = await scorer.ScoreAsync(new ReplayInput(7, "fraud_detector", "1.0", "sha256:" + s_hex, input.RootElement));

        Assert.Null(score.Response);
        Assert.Equal(ReplayReasons.ArtifactDigestMismatch, score.Reason);
        Assert.Contains($"s3://{bucket.Name}/p/{s_hex}.zip", score.Detail, StringComparison.Ordinal);
        Assert.Empty(loader.Loaded);
    }

    [S3Fact]
    public async Task Scorer_MissingObject_IsArtifactNotFound_NamingTheDigestAndThePrefix()
    {
        await using var bucket = await TestBucket.CreateAsync();
        var loader = new RecordingLoader();
        using var scorer = new ArtifactReplayScorer(new S3ArtifactStore(bucket.Client, new S3ArchiveLocation(bucket.Name, "p")), loader);
        using var input = System.Text.Json.JsonDocument.Parse("{\"amount\":1}");

        ReplayScore score = await scorer.ScoreAsync(new ReplayInput(7, "fraud_detector", "1.0", "sha256:" + s_hex, input.RootElement));

        Assert.Equal(ReplayReasons.ArtifactNotFound, score.Reason);
        Assert.Contains(s_hex, score.Detail, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket.Name}/p", score.Detail, StringComparison.Ordinal);
        Assert.Empty(loader.Loaded);
    }

    /// <summary>A loader that records what it was handed; the tests above check it is handed nothing.</summary>
    private sealed class RecordingLoader : IReplayModelLoader
    {
        public List<string> Loaded { get; } = [];

        public IReplayModel Load(string path)
        {
            Loaded.Add(path);
            throw new InvalidDataException($"{path}: this test loader loads no model.");
        }
    }

    /// <summary>A bucket of the test's own on the real s3rver, with its client; deleted with its objects.</summary>
    private sealed class TestBucket : IAsyncDisposable
    {
        private TestBucket(AmazonS3Client client, string name)
        {
            Client = client;
            Name = name;
        }

        public AmazonS3Client Client { get; }

        public string Name { get; }

        public static async Task<TestBucket> CreateAsync()
        {
            AmazonS3Client client = S3Server.Client();
            return new TestBucket(client, await S3Server.CreateBucketAsync(client));
        }

        public Task PutAsync(string key, byte[] content) =>
            Client.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false });

        public async ValueTask DisposeAsync()
        {
            await S3Server.DeleteBucketAsync(Client, Name);
            Client.Dispose();
        }
    }
}
