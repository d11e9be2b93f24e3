namespace DecisionLedger.Witnessing.Publishing;

/// <summary>The publisher's view: every witness, the quorum, the newest checkpoint and whether it is published.</summary>
/// <param name="Quorum">The policy's quorum in words, e.g. <c>2 of (w1, w2, w3)</c>.</param>
/// <param name="LatestSize">The newest signed checkpoint's size, or null before the first.</param>
/// <param name="LatestPublished">Whether the newest checkpoint has the quorum of cosignatures.</param>
/// <param name="PublishedSize">The size of the newest published checkpoint, or null when none is.</param>
/// <param name="Witnesses">Each witness, in policy order.</param>
public sealed record WitnessingStatus(
    string Quorum,
    long? LatestSize,
    bool LatestPublished,
    long? PublishedSize,
    IReadOnlyList<WitnessStatus> Witnesses);
