namespace DecisionLedger.Server.CloudEvents;

/// <summary>A live half's line of the <see cref="PendingHalfJournal"/>, kept as read so a rewrite copies it byte for byte.</summary>
/// <param name="Line">The line as found in the file, without its newline.</param>
/// <param name="Half">The half it decodes to.</param>
internal sealed record JournalLine(byte[] Line, JournaledHalf Half);
