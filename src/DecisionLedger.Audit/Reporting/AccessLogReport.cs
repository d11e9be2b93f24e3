using System.Runtime.CompilerServices;
using DecisionLedger.Access;

namespace DecisionLedger.Reporting;

/// <summary>
/// The access-log report: who viewed which decisions. The records are streamed from the access log
/// by <see cref="ReadRecordsAsync"/>, so a log of any length is written in bounded memory.
/// </summary>
/// <param name="Checkpoint">The ledger's checkpoint when the report was made; reads are not ledger entries, so they are listed whatever its size.</param>
/// <param name="RequestId">Only reads that returned this decision, or null.</param>
/// <param name="User">Only reads by this key name (or id), or null.</param>
public sealed record AccessLogReport(ReportCheckpoint Checkpoint, string? RequestId, string? User)
{
    /// <summary>Streams the matching reads from <paramref name="accessLog"/>, oldest first.</summary>
    /// <param name="accessLog">The ledger's access log.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The records.</returns>
    /// <exception cref="InvalidDataException">A line of the log is not a record.</exception>
    public async IAsyncEnumerable<AccessLogReportRecord> ReadRecordsAsync(AccessLog accessLog, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessLog);
        await foreach (AccessRecord record in accessLog.ReadAsync(RequestId, cancellationToken).ConfigureAwait(false))
        {
            string user = AccessLogReportRecord.UserOf(record);
            if (User is null || string.Equals(User, user, StringComparison.Ordinal))
            {
                yield return new AccessLogReportRecord(record.Time, user, record.Role, record.Route, record.RequestIds);
            }
        }
    }
}
