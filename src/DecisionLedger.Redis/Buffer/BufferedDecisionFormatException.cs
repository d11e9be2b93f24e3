namespace DecisionLedger.Redis.Buffer;

/// <summary>A stream entry the sequencer cannot read as a decision (a poison message); it goes to the dead-letter stream with this message as the reason.</summary>
internal sealed class BufferedDecisionFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the entry cannot be read, naming the field.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public BufferedDecisionFormatException(string reason, Exception? inner = null)
        : base(reason, inner)
    {
    }
}
