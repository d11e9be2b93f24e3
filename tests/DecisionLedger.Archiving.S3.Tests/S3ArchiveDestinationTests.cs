using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>The S3 destination against a real S3-protocol server: every request goes over HTTP to s3rver.</summary>
public sealed class S3ArchiveDestinationTests
{
    [S3Fact]
    public async Task WriteAsync_ThenReadListDelete_RoundTripsUnderThePrefix()
    {
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        try
        {
            var destination = new S3ArchiveDestination(client, new S3ArchiveLocation(bucket, "ledgers/fraud"));
            byte[] parquet = Encoding.UTF8.GetBytes("PAR1 not really parquet PAR1");
            await destination.WriteAsync("fraud/2026-01/000000000000-000000000009.parquet", new MemoryStream(parquet));
            await destination.WriteAsync("fraud/2026-01/000000000000-000000000009.parquet.manifest", new MemoryStream("note\n"u8.ToArray()));
            await destination.WriteAsync("other/2026-02/000000000010-000000000019.parquet", new MemoryStream([1, 2, 3]));

            Assert.Equal($"s3://{bucket}/ledgers/fraud", destination.Describe());
            await using (Stream? read = await destination.OpenReadAsync("fraud/2026-01/000000000000-000000000009.parquet"))
            {
                Assert.NotNull(read);
                var copy = new MemoryStream();
                await read.CopyToAsync(copy);
                Assert.Equal(parquet, copy.ToArray());
            }

            // The objects really are under the prefix in the bucket, as other S3 tools see them.
            GetObjectMetadataResponse head = await client.GetObjectMetadataAsync(bucket, "ledgers/fraud/fraud/2026-01/000000000000-000000000009.parquet");
            Assert.Equal(parquet.Length, head.ContentLength);

            Assert.Equal(
                ["fraud/2026-01/000000000000-000000000009.parquet", "fraud/2026-01/000000000000-000000000009.parquet.manifest"],
                (await ToListAsync(destination.ListAsync("fraud/"))).Order(StringComparer.Ordinal));
            Assert.Equal(3, (await ToListAsync(destination.ListAsync(""))).Count);

            await destination.DeleteAsync("fraud/2026-01/000000000000-000000000009.parquet");
            Assert.Null(await destination.OpenReadAsync("fraud/2026-01/000000000000-000000000009.parquet"));
            Assert.Equal(2, (await ToListAsync(destination.ListAsync(""))).Count);
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
        }
    }

    [S3Fact]
    public async Task WriteAsync_LargerThanAPart_GoesUpInPartsAndReadsBackByteForByte()
    {
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        try
        {
            var destination = new S3ArchiveDestination(client, new S3ArchiveLocation(bucket, ""), new S3ArchiveOptions { PartSize = S3ArchiveOptions.MinimumPartSize });
            var sent = new List<string>();
            client.BeforeRequestEvent += (_, e) => sent.Add(((Amazon.Runtime.WebServiceRequestEventArgs)e).Request.GetType().Name);
            byte[] large = new byte[(2 * S3ArchiveOptions.MinimumPartSize) + 12_345];
            new Random(16).NextBytes(large);

            // A non-seekable source, as an archive writer's pipe would be.
            await destination.WriteAsync("m/2026-01/a.parquet", new ForwardOnlyStream(large));
            Assert.Equal(["InitiateMultipartUploadRequest", "UploadPartRequest", "UploadPartRequest", "UploadPartRequest", "CompleteMultipartUploadRequest"], sent);

            await using Stream? read = await destination.OpenReadAsync("m/2026-01/a.parquet");
            Assert.NotNull(read);
            Assert.Equal(SHA256.HashData(large), await SHA256.HashDataAsync(read));
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
        }
    }

    [S3Fact]
    public async Task WriteAsync_ExactlyOnePart_IsOnePut()
    {
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        try
        {
            var destination = new S3ArchiveDestination(client, new S3ArchiveLocation(bucket, "p"), new S3ArchiveOptions { PartSize = S3ArchiveOptions.MinimumPartSize });
            byte[] exact = new byte[S3ArchiveOptions.MinimumPartSize];
            new Random(7).NextBytes(exact);
            var sent = new List<string>();
            client.BeforeRequestEvent += (_, e) => sent.Add(((Amazon.Runtime.WebServiceRequestEventArgs)e).Request.GetType().Name);
            await destination.WriteAsync("x.parquet", new ForwardOnlyStream(exact));

            Assert.Equal(["PutObjectRequest"], sent);
            GetObjectMetadataResponse head = await client.GetObjectMetadataAsync(bucket, "p/x.parquet");
            Assert.Equal(exact.Length, head.ContentLength);
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
        }
    }

    [S3Fact]
    public async Task WriteAsync_SmallSeekableBody_BuffersOnlyItsOwnSize()
    {
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        try
        {
            // Default 16 MiB parts; a manifest-sized body. Every archive file has such a manifest beside it.
            var destination = new S3ArchiveDestination(client, new S3ArchiveLocation(bucket, ""));
            byte[] note = new byte[600];
            new Random(3).NextBytes(note);
            await destination.WriteAsync("warm-up.manifest", new MemoryStream(note));

            long before = GC.GetTotalAllocatedBytes(precise: true);
            await destination.WriteAsync("a.parquet.manifest", new MemoryStream(note));
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.True(allocated < 4 * 1024 * 1024, $"writing 600 bytes allocated {allocated:N0} bytes: a whole part's buffer (or two) for a body that tells its length");
            await using Stream? read = await destination.OpenReadAsync("a.parquet.manifest");
            Assert.Equal(SHA256.HashData(note), await SHA256.HashDataAsync(read!));
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
        }
    }

    [S3Fact]
    public async Task WriteAsync_ManyParts_SendsTheNextPartWhileOneIsInFlight()
    {
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        try
        {
            var destination = new S3ArchiveDestination(client, new S3ArchiveLocation(bucket, ""), new S3ArchiveOptions { PartSize = S3ArchiveOptions.MinimumPartSize, ConcurrentParts = 2 });
            using var secondStarted = new ManualResetEventSlim();
            bool overlapped = false;

            // Part 1 is held before it is sent until part 2 starts: only an uploader that does not wait for
            // part 1's response before sending part 2 lets it through at once (a sequential one waits 20 s and fails).
            client.BeforeRequestEvent += (_, e) =>
            {
                if (((Amazon.Runtime.WebServiceRequestEventArgs)e).Request is UploadPartRequest part)
                {
                    if (part.PartNumber == 2)
                    {
                        secondStarted.Set();
                    }
                    else if (part.PartNumber == 1)
                    {
                        overlapped = secondStarted.Wait(TimeSpan.FromSeconds(20));
                    }
                }
            };
            byte[] large = new byte[(3 * S3ArchiveOptions.MinimumPartSize) + 777];
            new Random(5).NextBytes(large);

            await destination.WriteAsync("m/2026-01/b.parquet", new ForwardOnlyStream(large));

            Assert.True(overlapped, "part 2 was not sent while part 1 was in flight");
            await using Stream? read = await destination.OpenReadAsync("m/2026-01/b.parquet");
            Assert.Equal(SHA256.HashData(large), await SHA256.HashDataAsync(read!));
        }
        finally
        {
            await S3Server.DeleteBucketAsync(client, bucket);
        }
    }

    [S3Fact]
    public async Task WriteAsync_BucketMissing_NamesBucketAndKey()
    {
        using AmazonS3Client client = S3Server.Client();
        var destination = new S3ArchiveDestination(client, new S3ArchiveLocation("dl-no-such-bucket-16", "pre"));

        S3ArchiveException error = await Assert.ThrowsAsync<S3ArchiveException>(() => destination.WriteAsync("m/a.parquet", new MemoryStream([1])));

        Assert.Equal("dl-no-such-bucket-16", error.Bucket);
        Assert.Equal("pre/m/a.parquet", error.Key);
        Assert.Contains("does not exist (NoSuchBucket)", error.Message, StringComparison.Ordinal);
        Assert.Contains("s3://dl-no-such-bucket-16/pre/m/a.parquet", error.Message, StringComparison.Ordinal);

        S3ArchiveException listing = await Assert.ThrowsAsync<S3ArchiveException>(async () => await ToListAsync(destination.ListAsync("")));
        Assert.Contains("NoSuchBucket", listing.Message, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task WriteAsync_UnknownAccessKey_IsAccessDenied()
    {
        using AmazonS3Client good = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(good);
        try
        {
            using var bad = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("NOT-A-KNOWN-KEY", "S3RVER"), good.Config as AmazonS3Config);
            var destination = new S3ArchiveDestination(bad, new S3ArchiveLocation(bucket, ""));

            S3ArchiveException error = await Assert.ThrowsAsync<S3ArchiveException>(() => destination.WriteAsync("a.parquet", new MemoryStream([1])));

            Assert.Contains("access denied", error.Message, StringComparison.Ordinal);
            Assert.Contains(bucket, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await S3Server.DeleteBucketAsync(good, bucket);
        }
    }

    [Fact]
    public async Task WriteAsync_EndpointDown_SaysItCannotBeReached()
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
        var destination = new S3ArchiveDestination(client, new S3ArchiveLocation("ledger-archive", "p"));

        S3ArchiveException error = await Assert.ThrowsAsync<S3ArchiveException>(() => destination.WriteAsync("a.parquet", new MemoryStream([1])));

        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("s3://ledger-archive/p/a.parquet", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> items)
    {
        var list = new List<string>();
        await foreach (string item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
