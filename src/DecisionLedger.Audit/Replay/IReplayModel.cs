using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>A model artifact loaded in process, ready to score stored inputs.</summary>
public interface IReplayModel : IDisposable
{
    /// <summary>Scores one stored input.</summary>
    /// <param name="input">The stored input (a JSON object whose members are the model's input columns).</param>
    /// <returns>The model's output as a JSON object (one member per output column).</returns>
    /// <exception cref="FormatException">The input does not fit the model's input schema; the message names the column.</exception>
    JsonElement Score(JsonElement input);
}
