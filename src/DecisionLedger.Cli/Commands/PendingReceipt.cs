using DecisionLedger.Recording;
using DecisionLedger.Decisions;

namespace DecisionLedger.Cli.Commands;

/// <summary>One input line of <c>record</c> on its way to durability: its number, the decision and the receipt to await.</summary>
internal readonly record struct PendingReceipt(long Line, Decision Decision, ValueTask<RecordReceipt> Receipt);
