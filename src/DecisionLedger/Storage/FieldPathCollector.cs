using System.Text;
using System.Text.Json;
using DecisionLedger.Encryption;

namespace DecisionLedger.Storage;

/// <summary>
/// Lists the field paths a batch holds, per model, for the field catalog a store keeps (so an
/// unknown <c>--where</c> path is an error with hints, not an empty result). Paths name objects and
/// leaves alike (<c>explanation.attributions</c>, <c>explanation.attributions.amount</c>); arrays are
/// leaves. Bounded: at most <see cref="FieldPath.MaxDepth"/> names deep and
/// <see cref="MaxPathsPerDocument"/> paths per entry or input; names outside the
/// <see cref="FieldPath"/> grammar are skipped with their subtree, since no query can name them.
/// </summary>
/// <remarks>
/// Cheap enough for the append path: <see cref="Collect(AppendBatch)"/> hashes each document's shape (member
/// names and depths) in one allocation-free <see cref="Utf8JsonReader"/> pass and collects paths
/// (one short string per property) only for a shape not yet seen in the batch. Encrypted inputs
/// are skipped (they are ciphertext), so <c>input.</c> paths come from plaintext inputs only.
/// </remarks>
public static class FieldPathCollector
{
    /// <summary>The most paths taken from one entry or one input.</summary>
    public const int MaxPathsPerDocument = 256;

    private const ulong EntryShapeSeed = 14695981039346656037;
    private const ulong InputShapeSeed = 14695981039346656037 ^ 0x5A5A5A5A5A5A5A5A;

    private static readonly string[] s_entryRoots = ["explanation", "latencyMs", "metadata", "model", "output"];

    /// <summary>The distinct paths of every entry and plaintext input in <paramref name="batch"/>, by model name.</summary>
    /// <param name="batch">The batch about to be appended.</param>
    /// <returns>Model name → paths; models with no paths are absent.</returns>
    public static Dictionary<string, HashSet<string>> Collect(AppendBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Collect(batch.Entries, batch.Inputs);
    }

    /// <summary>The distinct paths of <paramref name="entries"/> and their plaintext <paramref name="inputs"/>, by model name.</summary>
    /// <param name="entries">Entries about to be appended.</param>
    /// <param name="inputs">Their stored inputs.</param>
    /// <returns>Model name → paths; models with no paths are absent.</returns>
    public static Dictionary<string, HashSet<string>> Collect(IReadOnlyList<StoredEntry> entries, IReadOnlyList<StoredInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(inputs);
        var byModel = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var modelOfSeq = new Dictionary<long, string>();

        // Decisions of one model almost always share a shape: its paths are collected (one string
        // per property) once per batch; every other entry costs one allocation-free reader pass.
        var seen = new HashSet<(string Model, ulong Shape)>();
        foreach (StoredEntry entry in entries)
        {
            string model = entry.Columns.ModelName;
            modelOfSeq[entry.Seq] = model;
            if (seen.Add((model, Shape(entry.CanonicalBytes, EntryShapeSeed))))
            {
                CollectEntry(entry.CanonicalBytes, PathsOf(byModel, model));
            }
        }

        foreach (StoredInput input in inputs)
        {
            if (modelOfSeq.TryGetValue(input.Seq, out string? model)
                && !InputEncryption.IsEncrypted(input.Input)
                && seen.Add((model, Shape(input.Input, InputShapeSeed))))
            {
                CollectInput(input.Input, PathsOf(byModel, model));
            }
        }

        foreach (string model in byModel.Where(pair => pair.Value.Count == 0).Select(pair => pair.Key).ToList())
        {
            byModel.Remove(model);
        }

        return byModel;
    }

    /// <summary>
    /// A 64-bit FNV-1a hash of a document's structure: every member name with its depth, in order
    /// (values are ignored). Two documents with the same shape yield the same paths.
    /// </summary>
    private static ulong Shape(ReadOnlySpan<byte> json, ulong seed)
    {
        const ulong Prime = 1099511628211;
        ulong hash = seed;
        if (json.IsEmpty)
        {
            return hash;
        }

        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            hash = (hash ^ (ulong)reader.CurrentDepth) * Prime;
            foreach (byte b in reader.ValueSpan)
            {
                hash = (hash ^ b) * Prime;
            }

            // A separator no UTF-8 name byte can produce, so "ab" + "c" differs from "a" + "bc".
            hash = (hash ^ 0xFF) * Prime;
        }

        return hash;
    }

    /// <summary>Adds the paths under the queryable roots of one canonical entry.</summary>
    /// <param name="canonicalEntry">The entry's canonical JSON.</param>
    /// <param name="paths">Receives paths such as <c>output.label</c>.</param>
    /// <exception cref="JsonException">The bytes are not JSON.</exception>
    public static void CollectEntry(ReadOnlySpan<byte> canonicalEntry, ISet<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var reader = new Utf8JsonReader(canonicalEntry);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        int budget = MaxPathsPerDocument;
        var prefix = new StringBuilder();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (Array.BinarySearch(s_entryRoots, name, StringComparer.Ordinal) < 0)
            {
                reader.Skip();
                continue;
            }

            prefix.Clear().Append(name);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                Walk(ref reader, prefix, 1, paths, ref budget);
            }
            else
            {
                reader.Skip();
                if (string.Equals(name, "latencyMs", StringComparison.Ordinal) && budget-- > 0)
                {
                    paths.Add(name);
                }
            }
        }
    }

    /// <summary>Adds the <c>input.</c> paths of one stored input; encrypted inputs add nothing.</summary>
    /// <param name="storedInput">The stored input bytes (canonical JSON, or ciphertext).</param>
    /// <param name="paths">Receives paths such as <c>input.amount</c>.</param>
    /// <exception cref="JsonException">A plaintext input is not JSON.</exception>
    public static void CollectInput(ReadOnlySpan<byte> storedInput, ISet<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (storedInput.IsEmpty || InputEncryption.IsEncrypted(storedInput))
        {
            return;
        }

        var reader = new Utf8JsonReader(storedInput);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        int budget = MaxPathsPerDocument;
        Walk(ref reader, new StringBuilder(FieldPath.InputRoot), 1, paths, ref budget);
    }

    // Called on a StartObject; returns on its EndObject.
    private static void Walk(ref Utf8JsonReader reader, StringBuilder prefix, int depth, ISet<string> paths, ref int budget)
    {
        int length = prefix.Length;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (budget <= 0 || depth >= FieldPath.MaxDepth || !FieldPath.IsValidName(name))
            {
                reader.Skip();
                continue;
            }

            prefix.Length = length;
            prefix.Append('.').Append(name);
            paths.Add(prefix.ToString());
            budget--;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                Walk(ref reader, prefix, depth + 1, paths, ref budget);
            }
            else
            {
                reader.Skip();
            }
        }

        prefix.Length = length;
    }

    private static HashSet<string> PathsOf(Dictionary<string, HashSet<string>> byModel, string model)
    {
        if (!byModel.TryGetValue(model, out HashSet<string>? paths))
        {
            paths = new HashSet<string>(StringComparer.Ordinal);
            byModel[model] = paths;
        }

        return paths;
    }
}
