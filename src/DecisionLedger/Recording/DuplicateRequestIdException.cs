namespace DecisionLedger.Recording;

/// <summary>A decision's request id is already in the ledger (or twice in one batch); request ids are unique per ledger.</summary>
public sealed class DuplicateRequestIdException : Exception
{
    /// <summary>Creates the exception naming the request id.</summary>
    public DuplicateRequestIdException(string requestId)
        : base($"requestId: '{requestId}' is already recorded in this ledger; send a new id or omit requestId to have a UUIDv7 assigned")
    {
        RequestId = requestId;
    }

    /// <summary>Creates the exception with the default message.</summary>
    public DuplicateRequestIdException()
        : base("requestId: already recorded in this ledger")
    {
        RequestId = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public DuplicateRequestIdException(string message, Exception innerException)
        : base(message, innerException)
    {
        RequestId = string.Empty;
    }

    /// <summary>The duplicated request id.</summary>
    public string RequestId { get; }
}
