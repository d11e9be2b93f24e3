namespace DecisionLedger.Heads;

/// <summary>
/// The keys of the heads map: <c>s:&lt;subject ref&gt;</c> for a subject's chain and
/// <c>m:&lt;model name&gt;</c> for a model's chain (docs/format.md, section 10).
/// </summary>
public static class ChainKeys
{
    /// <summary>The prefix of a subject chain's key.</summary>
    public const string SubjectPrefix = "s:";

    /// <summary>The prefix of a model chain's key.</summary>
    public const string ModelPrefix = "m:";

    /// <summary>The key of the chain of a subject: <c>s:</c> followed by its ref.</summary>
    /// <param name="subjectRef">The subject's 22-character ref (never the clear subject id).</param>
    /// <exception cref="ArgumentException"><paramref name="subjectRef"/> is null or empty.</exception>
    public static string Subject(string subjectRef)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectRef);
        return SubjectPrefix + subjectRef;
    }

    /// <summary>The key of the chain of a model: <c>m:</c> followed by its name.</summary>
    /// <param name="modelName">The model name as written in the entry's <c>model.name</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="modelName"/> is null or empty.</exception>
    public static string Model(string modelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        return ModelPrefix + modelName;
    }
}
