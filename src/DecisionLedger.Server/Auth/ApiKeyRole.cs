namespace DecisionLedger.Server.Auth;

/// <summary>What an API key may do on the collector.</summary>
public enum ApiKeyRole
{
    /// <summary>Records decisions (<c>POST /v1/decisions</c>).</summary>
    Ingest,

    /// <summary>Queries and reads decisions (<c>GET /v1/decisions</c>).</summary>
    Reader,

    /// <summary>Everything a reader may, plus checkpoints, proofs and the access log.</summary>
    Auditor,

    /// <summary>Everything.</summary>
    Admin,

    /// <summary>
    /// Follows the log from outside: the signed checkpoint and the hash tiles under <c>/tlog/</c>, which
    /// reveal nothing about decisions. Not the entry bundles.
    /// </summary>
    Monitor,
}
