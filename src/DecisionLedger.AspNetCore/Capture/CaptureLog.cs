using Microsoft.Extensions.Logging;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Source-generated log messages of decision capture, with stable event ids.</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Critical, Message = "Decision of {Model} at {Endpoint} was served but NOT recorded in the ledger (OnLedgerFailure = ProceedAndAlarm)")]
    public static partial void ServedUnrecorded(ILogger logger, Exception exception, string model, string endpoint);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Decision of {Model} at {Endpoint} could not be recorded; responding 503 (OnLedgerFailure = FailClosed)")]
    public static partial void Withheld(ILogger logger, Exception exception, string model, string endpoint);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "The failed decision of {Model} at {Endpoint} could not be recorded")]
    public static partial void FailureUnrecorded(ILogger logger, Exception exception, string model, string endpoint);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Sampling report of {Endpoint} ({SampledOut} sampled out) could not be recorded; it is carried to the next report")]
    public static partial void SamplingReportFailed(ILogger logger, Exception exception, string endpoint, long sampledOut);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Critical, Message = "Decision {RequestId} of {Model} at {Endpoint} was accepted and its response served, but it could NOT be committed to the ledger (Durability = Enqueued)")]
    public static partial void CommitFailedAfterServing(ILogger logger, Exception exception, string requestId, string model, string endpoint);
}
