namespace DecisionLedger.Server.CloudEvents;

/// <summary>Which half of an inference a KServe logger event carries.</summary>
internal enum InferenceEventKind
{
    /// <summary><c>org.kubeflow.serving.inference.request</c>: the body the model received.</summary>
    Request,

    /// <summary><c>org.kubeflow.serving.inference.response</c>: the body the model answered.</summary>
    Response,
}
