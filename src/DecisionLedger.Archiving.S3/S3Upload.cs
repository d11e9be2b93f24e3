using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Archiving.S3;

/// <summary>
/// Uploads one stream to one key: a single PUT when it fits in a part, otherwise a multipart upload.
/// Every request carries the SHA-256 of its body as a header (<c>x-amz-checksum-sha256</c>), so the
/// server refuses a body damaged on the way, and a body is never sent with aws-chunked framing,
/// which not every S3-compatible server decodes.
/// </summary>
internal sealed class S3Upload(IAmazonS3 client, string bucket, string key, int partSize)
{
    public async Task RunAsync(Stream content, CancellationToken cancellationToken)
    {
        // Two buffers: whether a part is the last one is known only once the next read returns nothing.
        byte[] current = new byte[partSize];
        byte[] next = new byte[partSize];
        int currentLength = await FillAsync(content, current, cancellationToken).ConfigureAwait(false);
        int nextLength = currentLength == partSize ? await FillAsync(content, next, cancellationToken).ConfigureAwait(false) : 0;
        if (nextLength == 0)
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = new MemoryStream(current, 0, currentLength, writable: false),
                ChecksumSHA256 = Sha256(current, currentLength),
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
        try
        {
            var parts = new List<PartETag>();
            while (currentLength > 0)
            {
                parts.Add(await UploadPartAsync(started.UploadId, parts.Count + 1, current, currentLength, cancellationToken).ConfigureAwait(false));
                (current, next) = (next, current);
                currentLength = nextLength;
                nextLength = currentLength == partSize ? await FillAsync(content, next, cancellationToken).ConfigureAwait(false) : 0;
            }

            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = started.UploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
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
