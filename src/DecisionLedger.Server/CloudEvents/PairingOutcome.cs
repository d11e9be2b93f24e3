using DecisionLedger.Recording;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>The answer of <see cref="InferencePairer.AcceptAsync"/>.</summary>
/// <param name="Status">What became of the half.</param>
/// <param name="Receipt">The pair's receipt when <see cref="PairingStatus.Paired"/>.</param>
internal sealed record PairingOutcome(PairingStatus Status, RecordReceipt? Receipt = null);
