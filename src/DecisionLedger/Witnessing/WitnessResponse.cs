namespace DecisionLedger.Witnessing;

/// <summary>A witness's answer to <c>add-checkpoint</c>: the HTTP status, body and content type the spec prescribes.</summary>
/// <param name="StatusCode">200, 400, 403, 404, 409 or 422.</param>
/// <param name="Body">The cosignature line(s) on 200, the witness's size and a newline on 409, otherwise a sentence saying why.</param>
/// <param name="ContentType">The body's media type: <c>text/x.tlog.size</c> for a 409 size answer, <c>text/plain; charset=utf-8</c> otherwise.</param>
public sealed record WitnessResponse(int StatusCode, string Body, string ContentType);
