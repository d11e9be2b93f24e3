using System.Net.Http.Headers;
using System.Text;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>The ledger's side of the tlog-witness protocol: POSTs an <c>add-checkpoint</c> body and returns the witness's answer as given.</summary>
/// <param name="http">The client; the publisher's request timeout is applied per request.</param>
internal sealed class WitnessClient(HttpClient http)
{
    private readonly HttpClient _http = http;

    /// <summary>Sends <paramref name="request"/> to <paramref name="endpoint"/>.</summary>
    /// <exception cref="HttpRequestException">The witness could not be reached.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    public async Task<WitnessResponse> AddCheckpointAsync(WitnessEndpoint endpoint, AddCheckpointRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var content = new StringContent(request.ToBody(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using HttpResponseMessage response = await _http.PostAsync(endpoint.AddCheckpointUrl, content, timeoutSource.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(timeoutSource.Token).ConfigureAwait(false);
            return new WitnessResponse((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType ?? "");
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {endpoint.AddCheckpointUrl} within {timeout.TotalSeconds:0.###} s", exception);
        }
    }
}
