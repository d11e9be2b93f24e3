using System.Formats.Asn1;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace DecisionLedger.Timestamping;

/// <summary>
/// Asks one RFC 3161 Time Stamp Authority for a token over a SHA-256 hash, over HTTP (RFC 3161,
/// section 3.4), and accepts the answer only when it is a granted token for exactly that request:
/// same hash, same nonce, the requested policy, a signature that verifies.
/// </summary>
public sealed class TimestampClient
{
    private const string QueryMediaType = "application/timestamp-query";
    private readonly HttpClient _http;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client to send requests with; its own timeout should be longer than the per-request cancellation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="http"/> is null.</exception>
    public TimestampClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <summary>Requests a token over <paramref name="sha256"/> from <paramref name="authority"/>.</summary>
    /// <param name="authority">The authority (validated).</param>
    /// <param name="sha256">The 32-byte SHA-256 hash to time-stamp.</param>
    /// <param name="cancellationToken">Cancels the request; a cancellation the caller did not ask for is a timeout.</param>
    /// <returns>The token, DER-encoded (a CMS <c>ContentInfo</c>), exactly as the authority sent it.</returns>
    /// <exception cref="TimestampAuthorityException">The authority is unreachable, answered an HTTP error, refused, or sent something that is not a token for this request.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<byte[]> RequestAsync(TimestampAuthority authority, ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"sha256: must be {SHA256.HashSizeInBytes} bytes; got {sha256.Length}.", nameof(sha256));
        }

        Rfc3161TimestampRequest request = Rfc3161TimestampRequest.CreateFromHash(
            sha256,
            HashAlgorithmName.SHA256,
            authority.PolicyOid is null ? null : new Oid(authority.PolicyOid),
            RandomNumberGenerator.GetBytes(8),
            authority.RequestSignerCertificate);
        byte[] body = await PostAsync(authority, request.Encode(), cancellationToken).ConfigureAwait(false);
        return Accept(authority, request, sha256.Span, body);
    }

    private async Task<byte[]> PostAsync(TimestampAuthority authority, byte[] query, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(query);
        content.Headers.ContentType = new MediaTypeHeaderValue(QueryMediaType);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(authority.Url, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TimestampAuthorityException(authority.Name, "unreachable", $"Time-stamp authority '{authority.Name}' at {authority.Url} is unreachable: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested || e is TaskCanceledException { InnerException: TimeoutException })
        {
            throw new TimestampAuthorityException(authority.Name, "unreachable", $"Time-stamp authority '{authority.Name}' at {authority.Url} did not answer in time.", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new TimestampAuthorityException(authority.Name, "http_error", $"Time-stamp authority '{authority.Name}' at {authority.Url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} instead of a time-stamp response.");
            }

            try
            {
                return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new TimestampAuthorityException(authority.Name, "unreachable", $"Time-stamp authority '{authority.Name}' at {authority.Url} broke off its answer: {e.Message}", e);
            }
        }
    }

    private static byte[] Accept(TimestampAuthority authority, Rfc3161TimestampRequest request, ReadOnlySpan<byte> sha256, byte[] body)
    {
        string who = $"Time-stamp authority '{authority.Name}' at {authority.Url}";
        TimestampResponse parsed;
        try
        {
            parsed = TimestampResponse.Read(body);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} answered {body.Length} bytes that are not an RFC 3161 TimeStampResp ({e.Message}).", e);
        }

        if (!parsed.Granted)
        {
            throw new TimestampAuthorityException(authority.Name, "rejected", $"{who} refused the request: status {parsed.Status}{(parsed.Text is null ? string.Empty : $" ({parsed.Text})")}.");
        }

        if (parsed.Token is not { } tokenBytes || !Rfc3161TimestampToken.TryDecode(tokenBytes, out Rfc3161TimestampToken? token, out int consumed) || consumed != tokenBytes.Length)
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} granted the request but sent no readable time-stamp token.");
        }

        Rfc3161TimestampTokenInfo info = token.TokenInfo;
        if (info.HashAlgorithmId.Value != TimestampTokenVerifier.Sha256Oid || !info.GetMessageHash().Span.SequenceEqual(sha256))
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} sent a token over another hash ({info.HashAlgorithmId.Value}: {Convert.ToHexStringLower(info.GetMessageHash().Span)}) than the checkpoint's SHA-256 {Convert.ToHexStringLower(sha256)}.");
        }

        if (info.GetNonce() is not { } nonce || !nonce.Span.SequenceEqual(request.GetNonce()!.Value.Span))
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} sent a token whose nonce does not match the request's: it answers another request (a replay).");
        }

        if (authority.PolicyOid is { } policy && info.PolicyId.Value != policy)
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} issued the token under policy {info.PolicyId.Value}, not the requested {policy}.");
        }

        if (!token.VerifySignatureForHash(sha256, HashAlgorithmName.SHA256, out X509Certificate2? signer, extraCandidates: null))
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} sent a token whose signature does not verify{(authority.RequestSignerCertificate ? " or that lacks the signing certificate it was asked for" : string.Empty)}.");
        }

        signer?.Dispose();
        try
        {
            // The library's own acceptance rules on top of the checks above (status, nonce, hash, policy, certReq).
            _ = request.ProcessResponse(body, out _);
        }
        catch (CryptographicException e)
        {
            throw new TimestampAuthorityException(authority.Name, "bad_response", $"{who} sent a response that does not answer this request: {e.Message}", e);
        }

        return tokenBytes;
    }
}
