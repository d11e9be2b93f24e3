using DecisionLedger.Access;

namespace DecisionLedger.Reporting;

/// <summary>One read of decisions in the access-log report: who read which decisions, when, on which route.</summary>
/// <param name="At">When the read was answered (UTC).</param>
/// <param name="User">The API key's name, or its id when it has none.</param>
/// <param name="Role">The key's role.</param>
/// <param name="Route">The route, e.g. <c>GET /v1/decisions/{requestId}</c>.</param>
/// <param name="RequestIds">The request ids of the decisions returned.</param>
public sealed record AccessLogReportRecord(DateTimeOffset At, string User, string Role, string Route, IReadOnlyList<string> RequestIds)
{
    /// <summary>The user a record names: the key's name, or its id when unnamed.</summary>
    internal static string UserOf(AccessRecord record) => string.IsNullOrEmpty(record.KeyName) ? record.KeyId : record.KeyName;
}
