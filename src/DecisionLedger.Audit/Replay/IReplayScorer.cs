namespace DecisionLedger.Replay;

/// <summary>
/// Runs a model on one stored input for a replay: the port between the replay engine and whatever
/// holds the model (an artifact store with an in-process loader, or an HTTP endpoint).
/// </summary>
public interface IReplayScorer
{
    /// <summary>How the run names this scorer in its parameters, e.g. <c>artifacts</c> or <c>endpoint</c>.</summary>
    string Kind { get; }

    /// <summary>Where the model comes from, e.g. <c>dir:/models</c> or <c>https://scoring/predict</c>; recorded in the replay event.</summary>
    string Source { get; }

    /// <summary>Scores one stored input with the model the entry names.</summary>
    /// <param name="input">The decision's model, artifact digest and stored input.</param>
    /// <param name="cancellationToken">Stops the scoring.</param>
    /// <returns>The model's response, or why the decision cannot be replayed.</returns>
    ValueTask<ReplayScore> ScoreAsync(ReplayInput input, CancellationToken cancellationToken = default);
}
