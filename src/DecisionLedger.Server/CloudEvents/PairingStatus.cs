namespace DecisionLedger.Server.CloudEvents;

/// <summary>What became of a half handed to the <see cref="InferencePairer"/>.</summary>
internal enum PairingStatus
{
    /// <summary>Held until its partner arrives or the timeout passes (202).</summary>
    Pending,

    /// <summary>Its partner was pending: the pair is recorded (200 with the receipt).</summary>
    Paired,

    /// <summary>The same event (id, type, source, data) is already pending: nothing more to do (202).</summary>
    Redelivered,

    /// <summary>A different half of the same type with the same id is pending (409).</summary>
    Conflict,

    /// <summary>Too many halves are pending (503).</summary>
    Full,

    /// <summary>The collector is shutting down or the recorder is not running (503).</summary>
    Closed,
}
