namespace DecisionLedger.Server.CloudEvents;

/// <summary>The answer of <see cref="InferencePairer.AcceptAsync"/>.</summary>
/// <param name="Status">What became of the half.</param>
/// <param name="Record">Where the pair went when <see cref="PairingStatus.Paired"/>: its receipt, or its buffer id in buffer mode.</param>
internal sealed record PairingOutcome(PairingStatus Status, InferenceRecord? Record = null);
