namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// The CloudEvents 1.0 attributes the KServe inference logger sends (kserve/kserve <c>pkg/logger/worker.go</c>):
/// binary mode, one event for the request and one for the response, both with the same <c>ce-id</c>.
/// </summary>
internal static class KServeCloudEvents
{
    public const string RequestType = "org.kubeflow.serving.inference.request";
    public const string ResponseType = "org.kubeflow.serving.inference.response";
    public const string SpecVersion = "1.0";

    public const string StructuredMediaType = "application/cloudevents+json";
    public const string BatchMediaType = "application/cloudevents-batch+json";

    // Context attributes (ce- prefixed headers in binary mode, members in structured mode).
    public const string SpecVersionAttribute = "specversion";
    public const string IdAttribute = "id";
    public const string SourceAttribute = "source";
    public const string TypeAttribute = "type";
    public const string TimeAttribute = "time";

    // KServe's extension attributes.
    public const string ServiceAttribute = "inferenceservicename";
    public const string NamespaceAttribute = "namespace";
    public const string ComponentAttribute = "component";
    public const string EndpointAttribute = "endpoint";
    public const string MetadataAttribute = "metadata";
    public const string AnnotationsAttribute = "annotations";

    // The distributed-tracing extension: 'traceparent' in HTTP (W3C), 'ce-traceparent' from some senders.
    public const string TraceparentAttribute = "traceparent";

    /// <summary>The binary-mode header of an attribute.</summary>
    public static string Header(string attribute) => "ce-" + attribute;
}
