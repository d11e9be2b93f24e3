namespace DecisionLedger.Server.Auth;

/// <summary>What a route needs from the caller's role.</summary>
internal enum ApiPermission
{
    /// <summary>Write decisions: ingest and admin.</summary>
    Ingest,

    /// <summary>Read decisions: reader, auditor and admin.</summary>
    Read,

    /// <summary>Any valid key: <c>/readyz</c>, <c>/metrics</c>, <c>/openapi/v1.json</c>.</summary>
    Status,

    /// <summary>Checkpoints, proofs and the access log: auditor and admin.</summary>
    Audit,

    /// <summary>The signed checkpoint and hash tiles under <c>/tlog/</c>: monitor, auditor and admin.</summary>
    Monitor,
}
