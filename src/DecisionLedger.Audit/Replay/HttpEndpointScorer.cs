using System.Net.Http.Headers;
using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>
/// Replays against a live HTTP endpoint: each stored input is POSTed as JSON to one URL, and the JSON
/// response is what the output mapping reads. "Would today's model decide the same?" for a model in
/// any language.
/// </summary>
public sealed class HttpEndpointScorer : IReplayScorer
{
    private readonly HttpClient _client;
    private readonly Uri _endpoint;

    /// <summary>Creates the scorer.</summary>
    /// <param name="client">The client to send with (the caller owns it and sets its timeout).</param>
    /// <param name="endpoint">An absolute http or https URL.</param>
    /// <exception cref="ArgumentException">The URL is not absolute http(s); the message names <c>--endpoint</c>.</exception>
    public HttpEndpointScorer(HttpClient client, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--endpoint: '{endpoint}' is not an absolute http:// or https:// URL.", nameof(endpoint));
        }

        _client = client;
        _endpoint = endpoint;
    }

    /// <inheritdoc />
    public string Kind => "endpoint";

    /// <inheritdoc />
    public string Source => _endpoint.ToString();

    /// <inheritdoc />
    public async ValueTask<ReplayScore> ScoreAsync(ReplayInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(input.Input));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _client.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"POST {_endpoint} failed: {exception.Message}");
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"POST {_endpoint} timed out: {exception.Message}");
        }

        using (response)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"POST {_endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(body);
                return ReplayScore.Scored(document.RootElement);
            }
            catch (JsonException exception)
            {
                return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"POST {_endpoint} answered something that is not JSON ({exception.Message}).");
            }
        }
    }
}
