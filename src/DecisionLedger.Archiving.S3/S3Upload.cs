using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// Uploads one stream to one key: a single PUT when it fits in a part, otherwise a multipart upload
/// with up to <c>concurrentParts</c> parts hashed and sent at once. Every request carries the SHA-256
/// of its body as a header (<c>x-amz-checksum-sha256</c>), so the server refuses a body damaged on the
/// way, and a body is never sent with aws-chunked framing, which not every S3-compatible server decodes.
/// </summary>
internal sealed class S3Upload(IAmazonS3 client, string bucket, string key, int partSize, int concurrentParts = 1)
{
    public async Task RunAsync(Stream content, CancellationToken cancellationToken)
    {
        var reader = new PartReader(content, partSize);
        Part first = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.HasMoreAsync(first, cancellationToken).ConfigureAwait(false))
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(first.Buffer, 0, first.Length, writable: false),
                ChecksumSHA256 = Sha256(first.Buffer, first.Length),
                UseChunkEncoding = false,
                AutoCloseStream = true,
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        InitiateMultipartUploadResponse started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        }, cancellationToken).ConfigureAwait(false);
        var sent = new List<Task<PartETag>>();
        try
        {
            Part part = first;
            while (part.Length > 0)
            {
                int number = sent.Count + 1;
                Part body = part;

                // On the thread pool: the part's SHA-256 and the SDK's request preparation run beside the next part's read.
                sent.Add(Task.Run(() => UploadPartAsync(started.UploadId, number, body.Buffer, body.Length, cancellationToken), cancellationToken));
                while (sent.Count(t => !t.IsCompleted) >= concurrentParts)
                {
                    await Task.WhenAny(sent.Where(t => !t.IsCompleted)).ConfigureAwait(false);
                }

                // A failed part ends the upload now, not after every other part was sent.
                if (sent.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } failed)
                {
                    await failed.ConfigureAwait(false);
                }

                part = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
            }

            PartETag[] parts = await Task.WhenAll(sent).ConfigureAwait(false);
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = started.UploadId,
                PartETags = [.. parts],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Parts still in flight finish (or fail) first, so the abort leaves no part behind it.
            await Task.WhenAll(sent).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);

            // An unfinished upload is invisible but billed: abort it, whatever made this one fail.
            try
            {
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = started.UploadId }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException)
            {
                // The first failure is the one worth reporting; a lifecycle rule cleans what the abort could not.
            }

            throw;
        }
    }

    private async Task<PartETag> UploadPartAsync(string uploadId, int number, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        string checksum = Sha256(buffer, length);
        UploadPartResponse response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
            PartSize = length,
            ChecksumSHA256 = checksum,
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
        return new PartETag { PartNumber = number, ETag = response.ETag, ChecksumSHA256 = checksum };
    }

    private static string Sha256(byte[] buffer, int length) => Convert.ToBase64String(SHA256.HashData(buffer.AsSpan(0, length)));

    /// <summary>One part's bytes: <c>Buffer[0..Length]</c>; a length of 0 after the end.</summary>
    private readonly record struct Part(byte[] Buffer, int Length);

    /// <summary>
    /// Cuts a stream into parts. Each part gets a buffer of its own, sized to what is left when the
    /// stream can tell (a 500-byte manifest costs 500 bytes, not a whole part); a stream that cannot
    /// is read a part ahead, since only the next read says whether a full part was the last.
    /// </summary>
    private sealed class PartReader(Stream content, int partSize)
    {
        private Part? _ahead;

        public async ValueTask<Part> NextAsync(CancellationToken cancellationToken)
        {
            if (_ahead is { } ahead)
            {
                _ahead = null;
                return ahead;
            }

            int size = content.CanSeek ? (int)Math.Clamp(content.Length - content.Position, 0, partSize) : partSize;
            byte[] buffer = new byte[size];
            return new Part(buffer, await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false));
        }

        /// <summary>Whether another part follows <paramref name="current"/> (reading it ahead when the stream cannot say).</summary>
        public async ValueTask<bool> HasMoreAsync(Part current, CancellationToken cancellationToken)
        {
            if (current.Length < partSize)
            {
                return false;
            }

            if (content.CanSeek)
            {
                return content.Position < content.Length;
            }

            Part next = await NextAsync(cancellationToken).ConfigureAwait(false);
            _ahead = next.Length > 0 ? next : null;
            return next.Length > 0;
        }

        private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
        {
            int filled = 0;
            while (filled < buffer.Length)
            {
                int read = await content.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return filled;
        }
    }
}
