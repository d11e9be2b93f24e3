namespace DecisionLedger.Replay;

/// <summary>Loads a model artifact file in process (e.g. an ML.NET model .zip); the ML framework lives behind it, not in the engine.</summary>
public interface IReplayModelLoader
{
    /// <summary>Loads the model file at <paramref name="path"/>.</summary>
    /// <param name="path">The artifact file.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="InvalidDataException">The file is not a model this loader reads; the message says why.</exception>
    IReplayModel Load(string path);
}
