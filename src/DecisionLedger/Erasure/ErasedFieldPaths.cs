using DecisionLedger.Storage;

namespace DecisionLedger.Erasure;

/// <summary>
/// Works out which field-catalog paths an erasure must forget: the <c>input.</c> paths of the
/// erased inputs that no remaining stored input of the same model holds. A store feeds it the
/// erased inputs, then its remaining inputs of each model (newest first) until
/// <see cref="IsSettled(string)"/>; what is left is <see cref="Orphaned"/>.
/// </summary>
/// <remarks>
/// Entry paths (<c>output.</c>, <c>metadata.</c>, …) are never candidates: entries are kept by
/// erasure and their paths never start with <c>input.</c>. Encrypted inputs never reached the
/// catalog (<see cref="FieldPathCollector"/> skips ciphertext), so they neither add candidates nor
/// keep one. The scan stops for a model as soon as every candidate was seen again, which for inputs
/// of a shared shape is within the first few rows; its worst case is one pass over the model's
/// remaining plaintext inputs, when the subject's inputs held a path no other input has (exactly
/// the case that must be found).
/// </remarks>
public sealed class ErasedFieldPaths
{
    private readonly Dictionary<string, HashSet<string>> _candidates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _scratch = new(StringComparer.Ordinal);

    /// <summary>The models whose erased inputs had paths not yet seen in a remaining input.</summary>
    public IEnumerable<string> PendingModels => _candidates.Where(pair => pair.Value.Count > 0).Select(pair => pair.Key);

    /// <summary>Adds the paths of one input about to be erased as candidates to forget.</summary>
    /// <param name="model">The model of the input's decision (the catalog's model key; empty when none).</param>
    /// <param name="storedInput">The stored input bytes (canonical JSON, or ciphertext which adds nothing).</param>
    /// <exception cref="System.Text.Json.JsonException">A plaintext input is not JSON.</exception>
    public void AddErased(string model, ReadOnlySpan<byte> storedInput)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_candidates.TryGetValue(model, out HashSet<string>? paths))
        {
            paths = new HashSet<string>(StringComparer.Ordinal);
            _candidates[model] = paths;
        }

        FieldPathCollector.CollectInput(storedInput, paths);
    }

    /// <summary>Clears the candidates of <paramref name="model"/> that a remaining (not erased) input holds.</summary>
    /// <param name="model">The model of the remaining input's decision.</param>
    /// <param name="storedInput">The remaining stored input bytes.</param>
    /// <exception cref="System.Text.Json.JsonException">A plaintext input is not JSON.</exception>
    public void SeenRemaining(string model, ReadOnlySpan<byte> storedInput)
    {
        if (!_candidates.TryGetValue(model, out HashSet<string>? paths) || paths.Count == 0)
        {
            return;
        }

        _scratch.Clear();
        FieldPathCollector.CollectInput(storedInput, _scratch);
        paths.ExceptWith(_scratch);
    }

    /// <summary>True when every candidate of <paramref name="model"/> was seen in a remaining input, so its scan can stop.</summary>
    /// <param name="model">The model.</param>
    public bool IsSettled(string model) =>
        !_candidates.TryGetValue(model, out HashSet<string>? paths) || paths.Count == 0;

    /// <summary>The (model, path) pairs only erased inputs held: the catalog rows to delete, ordinal order.</summary>
    /// <returns>The pairs; empty when nothing is to be forgotten.</returns>
    public List<(string Model, string Path)> Orphaned() =>
        [.. _candidates
            .SelectMany(pair => pair.Value.Select(path => (Model: pair.Key, Path: path)))
            .OrderBy(pair => pair.Model, StringComparer.Ordinal)
            .ThenBy(pair => pair.Path, StringComparer.Ordinal)];
}
