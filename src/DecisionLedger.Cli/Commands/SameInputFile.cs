using System.Text.Json;
using DecisionLedger.Hashing;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Reads the file of <c>query --same-input FILE</c>: a JSON object that is either the input itself
/// or a whole decision in the wire format, whose <c>input</c> is then used.
/// </summary>
internal static class SameInputFile
{
    /// <summary>Reads and checks <paramref name="file"/>; the returned document's input is found with <see cref="SelectInput"/>.</summary>
    /// <exception cref="CliException">The file is missing or unreadable (exit 3), or is not a JSON object, or a decision whose input is not an object (exit 2).</exception>
    public static async Task<JsonDocument> ReadAsync(string file, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(file);
        if (!File.Exists(full))
        {
            throw new CliException(ExitCodes.StoreFailure, $"--same-input: {full}: no such file; pass a JSON file holding the input object (or a whole decision).");
        }

        byte[] bytes = await File.ReadAllBytesAsync(full, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException exception)
        {
            throw new CliException(ExitCodes.BadInput, $"--same-input: {full}: not valid JSON ({exception.Message}); the file must hold one JSON object, the input the model received.", exception);
        }

        try
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException(ExitCodes.BadInput, $"--same-input: {full}: holds a JSON {Describe(document.RootElement.ValueKind)}, not an object; a decision's input is always a JSON object, so put that object in the file.");
            }

            if (IsDecision(document.RootElement) && document.RootElement.GetProperty("input").ValueKind != JsonValueKind.Object)
            {
                throw new CliException(ExitCodes.BadInput, $"--same-input: {full}: input: holds a JSON {Describe(document.RootElement.GetProperty("input").ValueKind)}, not an object; a decision's input is always a JSON object.");
            }

            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The input to fingerprint: the file's <c>input</c> member when the object looks like a decision
    /// (it has <c>model</c>, <c>input</c> and <c>output</c> members, all three required in the wire
    /// format), otherwise the whole object.
    /// </summary>
    public static JsonElement SelectInput(JsonElement root) => IsDecision(root) ? root.GetProperty("input") : root;

    /// <summary>The ledger's keyed fingerprint of the file's input, in the store's lowercase hex.</summary>
    /// <exception cref="CliException">The input cannot be canonicalized (exit 2), e.g. a number outside the double range.</exception>
    public static string Fingerprint(JsonDocument document, string file, InputFingerprinter fingerprinter)
    {
        try
        {
            return fingerprinter.Fingerprint(SelectInput(document.RootElement)).ToHex();
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadInput, $"--same-input: {Path.GetFullPath(file)}: {exception.Message}", exception);
        }
    }

    private static bool IsDecision(JsonElement root) =>
        root.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("input", out _)
        && root.TryGetProperty("output", out _);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
