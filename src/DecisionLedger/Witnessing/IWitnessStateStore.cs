namespace DecisionLedger.Witnessing;

/// <summary>
/// Where a witness keeps, per log origin, the latest checkpoint it cosigned. The port a witness
/// needs to be safe against the rollback race the tlog-witness spec describes.
/// </summary>
public interface IWitnessStateStore
{
    /// <summary>Reads the latest cosigned checkpoint of <paramref name="origin"/>.</summary>
    /// <param name="origin">The log origin.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when the witness never cosigned one for this origin.</returns>
    ValueTask<WitnessedCheckpoint?> GetLatestAsync(string origin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically replaces the latest checkpoint of the origin with <paramref name="next"/>, only if the
    /// stored one is still <paramref name="expected"/> (or there is none and <paramref name="expected"/> is <see langword="null"/>),
    /// and persists it durably before returning.
    /// </summary>
    /// <param name="expected">The checkpoint the caller checked <paramref name="next"/> against.</param>
    /// <param name="next">The newly verified checkpoint.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when another request changed the state first; nothing was written.</returns>
    ValueTask<bool> TryAdvanceAsync(WitnessedCheckpoint? expected, WitnessedCheckpoint next, CancellationToken cancellationToken = default);
}
