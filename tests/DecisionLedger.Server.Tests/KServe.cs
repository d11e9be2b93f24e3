using System.Globalization;
using System.Text;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// CloudEvents as KServe's inference logger sends them (kserve/kserve pkg/logger/worker.go, binary mode through
/// cloudevents/sdk-go): Ce-Specversion, Ce-Id, Ce-Source, Ce-Type, Ce-Time, Ce-Inferenceservicename,
/// Ce-Namespace, Ce-Component, Ce-Endpoint (often empty), Ce-Metadata (percent-encoded JSON), and the model
/// request's own Content-Type for both halves.
/// </summary>
internal static class KServe
{
    public const string RequestType = "org.kubeflow.serving.inference.request";
    public const string ResponseType = "org.kubeflow.serving.inference.response";
    public const string Source = "http://localhost:9081/";
    public const string Service = "sklearn-iris";

    public const string V1Request = "{\"instances\":[[6.8,2.8,4.8,1.4],[6.0,3.4,4.5,1.6]]}";
    public const string V1Response = "{\"predictions\":[1,1]}";
    public const string V2Response = "{\"model_name\":\"sklearn-iris\",\"model_version\":\"v3\",\"id\":\"x\",\"outputs\":[{\"name\":\"predict\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,1]}]}";

    public static readonly DateTimeOffset RequestTime = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One event; <paramref name="omit"/> leaves a header out, <paramref name="replace"/> overrides one.</summary>
    public static HttpRequestMessage Event(
        string? key,
        string type,
        string id,
        string body,
        DateTimeOffset? time = null,
        string contentType = "application/json",
        string? omit = null,
        (string Header, string Value)? replace = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cloudevents")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        var headers = new List<(string, string)>
        {
            ("Ce-Specversion", "1.0"),
            ("Ce-Id", id),
            ("Ce-Source", Source),
            ("Ce-Type", type),
            ("Ce-Time", (time ?? RequestTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture)),
            ("Ce-Inferenceservicename", Service),
            ("Ce-Namespace", "default"),
            ("Ce-Component", "predictor"),
            ("Ce-Endpoint", string.Empty),
            ("Ce-Metadata", "{%22X-Request-Id%22:[%22abc-123%22]}"),
            ("Traceparent", "00-90bdf848647d50283394155d2df58f19-84dacdfdf07cadfc-00"),
        };
        foreach ((string header, string value) in headers)
        {
            if (string.Equals(header, omit, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string sent = replace is { } r && string.Equals(r.Header, header, StringComparison.OrdinalIgnoreCase) ? r.Value : value;
            request.Headers.TryAddWithoutValidation(header, sent);
        }

        return request;
    }
}
