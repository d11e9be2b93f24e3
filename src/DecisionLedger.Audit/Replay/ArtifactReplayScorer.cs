using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace DecisionLedger.Replay;

/// <summary>
/// Replays with the artifact each decision names: <c>model.artifactDigest</c> picks the file in an
/// <see cref="IArtifactStore"/>, which an <see cref="IReplayModelLoader"/> loads in process (once per
/// digest). The file's bytes are hashed on load: a file that no longer matches its digest is still
/// scored, so the run shows what it would decide, and every result scored with it carries a warning.
/// A store that checks the bytes itself (<see cref="ArtifactDigestMismatchException"/>) makes the
/// decision not replayable instead.
/// </summary>
public sealed class ArtifactReplayScorer : IReplayScorer, IDisposable
{
    private readonly IArtifactStore _store;
    private readonly IReplayModelLoader _loader;
    private readonly ConcurrentDictionary<string, Lazy<LoadedArtifact>> _models = new(StringComparer.Ordinal);

    /// <summary>Creates the scorer.</summary>
    /// <param name="store">Where the artifacts are; the scorer disposes it when it is <see cref="IDisposable"/>.</param>
    /// <param name="loader">Loads an artifact file in process.</param>
    public ArtifactReplayScorer(IArtifactStore store, IReplayModelLoader loader)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(loader);
        _store = store;
        _loader = loader;
    }

    /// <inheritdoc />
    public string Kind => "artifacts";

    /// <inheritdoc />
    public string Source => _store.Source;

    /// <inheritdoc />
    public async ValueTask<ReplayScore> ScoreAsync(ReplayInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ArtifactDigest is null)
        {
            return ReplayScore.NotReplayable(ReplayReasons.NoArtifactDigest, $"seq {input.Seq} records no model.artifactDigest, so no artifact can be chosen; replay it against an endpoint instead.");
        }

        string hex = input.ArtifactDigest.StartsWith("sha256:", StringComparison.Ordinal) ? input.ArtifactDigest["sha256:".Length..] : input.ArtifactDigest;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return ReplayScore.NotReplayable(ReplayReasons.ArtifactNotFound, $"model.artifactDigest '{input.ArtifactDigest}' is not a SHA-256 (sha256: and 64 hex digits); the artifact store is keyed by SHA-256.");
        }

        hex = hex.ToLowerInvariant();
        string? path;
        try
        {
            path = await _store.LocateAsync(hex, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactDigestMismatchException exception)
        {
            // A store that checks what it fetched never hands over the wrong file: no score, the reason instead.
            return ReplayScore.NotReplayable(ReplayReasons.ArtifactDigestMismatch, $"{exception.Message} (the model of {input.ModelName} {input.ModelVersion})");
        }

        if (path is null)
        {
            return ReplayScore.NotReplayable(ReplayReasons.ArtifactNotFound, $"no artifact {hex} in {_store.Source} (the model of {input.ModelName} {input.ModelVersion}).");
        }

        LoadedArtifact artifact;
        try
        {
            artifact = _models.GetOrAdd(hex, _ => new Lazy<LoadedArtifact>(() => Load(hex, path))).Value;
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            _models.TryRemove(hex, out _);
            return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"the artifact {path} does not load: {exception.Message}");
        }

        JsonElement response;
        try
        {
            response = artifact.Model.Score(input.Input);
        }
        catch (FormatException exception)
        {
            return ReplayScore.NotReplayable(ReplayReasons.ScorerFailed, $"the stored input does not fit the model {hex}: {exception.Message}");
        }

        return ReplayScore.Scored(response, artifact.Warning);
    }

    /// <summary>Unloads every model, and disposes the store when it is <see cref="IDisposable"/> (the scorer owns it).</summary>
    public void Dispose()
    {
        foreach (Lazy<LoadedArtifact> model in _models.Values.Where(m => m.IsValueCreated))
        {
            model.Value.Model.Dispose();
        }

        _models.Clear();

        // After the models: a store may delete the files they were loaded from.
        (_store as IDisposable)?.Dispose();
    }

    private LoadedArtifact Load(string hex, string path)
    {
        string actual;
        using (FileStream file = File.OpenRead(path))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(file));
        }

        string? warning = string.Equals(actual, hex, StringComparison.Ordinal)
            ? null
            : $"the artifact file {path} has SHA-256 {actual}, not the recorded {hex}: it was replaced after the decision was made";
        return new LoadedArtifact(_loader.Load(path), warning);
    }

    private sealed record LoadedArtifact(IReplayModel Model, string? Warning);
}
