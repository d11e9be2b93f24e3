namespace DecisionLedger.Timestamping;

/// <summary>A verified time stamp of a checkpoint.</summary>
/// <param name="Time">The time the authority attests (<c>genTime</c>): the checkpoint existed then.</param>
/// <param name="Signer">The subject of the authority's signing certificate.</param>
/// <param name="Policy">The TSA policy OID the token was issued under.</param>
/// <param name="SerialNumber">The token's serial number, hex.</param>
public sealed record TimestampVerification(DateTimeOffset Time, string Signer, string Policy, string SerialNumber);
