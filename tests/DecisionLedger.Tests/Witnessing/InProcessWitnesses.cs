using System.Net;
using System.Text;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

/// <summary>
/// Real <see cref="CheckpointWitness"/> instances behind an HTTP handler, one per host, so the
/// publisher's HTTP requests reach the witness logic in-process; a host marked down refuses the
/// connection as a stopped witness's port would.
/// </summary>
internal sealed class InProcessWitnesses : HttpMessageHandler
{
    private readonly Dictionary<string, CheckpointWitness> _witnesses = new(StringComparer.Ordinal);

    public HashSet<string> Down { get; } = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

    public void Add(string host, CheckpointWitness witness) => _witnesses[host] = witness;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string host = request.RequestUri!.Host;
        lock (Requests)
        {
            Requests.Add(host);
        }

        if (Down.Contains(host))
        {
            throw new HttpRequestException($"Connection refused ({host}:80)");
        }

        string body = await request.Content!.ReadAsStringAsync(cancellationToken);
        WitnessResponse answer = await _witnesses[host].AddCheckpointAsync(body, cancellationToken);
        return new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
        {
            Content = new StringContent(answer.Body, Encoding.UTF8, answer.ContentType.Split(';')[0]),
        };
    }
}
