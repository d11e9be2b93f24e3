using System.Globalization;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Bundles;

/// <summary>
/// Checks what an evidence bundle's <c>manifest.json</c> claims against what the bundle holds: the
/// root against the signed checkpoint, <c>entryCount</c> against the entry lines, every line against
/// the stated <c>filters</c>, and <c>inputCount</c>/<c>inputsWithheld</c> against <c>inputs.jsonl</c>.
/// </summary>
/// <remarks>
/// The manifest is not signed, so these checks catch a bundle edited in one place and not the other
/// (lines deleted, <c>inputs.jsonl</c> emptied, a filter claimed that the lines do not satisfy); the
/// signed checkpoint and the proofs remain what makes the entries evidence. The
/// <c>inputFingerprint</c> filter is a keyed hash of the original input and the <c>where</c> filter
/// reads the stored inputs, so neither can be checked offline from the entry lines.
/// </remarks>
internal sealed class BundleManifestCheck
{
    private static readonly string[] s_uncheckable = ["inputFingerprint", "where"];
    private readonly EntryFilter? _filter;
    private EntryFilter? _refFilter;
    private long _firstAbsentInput = -1;

    private BundleManifestCheck(JsonElement root)
    {
        RootHash = root.TryGetProperty("rootHash", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        EntryCount = root.TryGetProperty("entryCount", out JsonElement c) && c.TryGetInt64(out long count) ? count : null;
        InputCount = root.TryGetProperty("inputCount", out JsonElement i) && i.TryGetInt64(out long inputs) ? inputs : null;
        InputsWithheld = root.TryGetProperty("inputsWithheld", out JsonElement w) && w.TryGetInt64(out long withheld) ? withheld : null;
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("filters", out JsonElement f) && f.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in f.EnumerateObject())
            {
                filters[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        Filters = filters;
        (_filter, FilterError) = ToFilter(filters);
        CompletenessKey = root.TryGetProperty("completeness", out JsonElement k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
    }

    /// <summary>The manifest's <c>completeness</c>: the key of the chain <c>completeness.json</c> proves, or null.</summary>
    public string? CompletenessKey { get; }

    /// <summary>A v2 line names its subject by ref: from now on a line whose subject is <paramref name="subjectRef"/> matches the stated subject filter.</summary>
    public void UseSubjectRef(string subjectRef) => _refFilter = _filter is null ? null : _filter with { SubjectId = subjectRef };

    /// <summary>The manifest's <c>rootHash</c> as written, or null.</summary>
    public string? RootHash { get; }

    /// <summary>The manifest's <c>entryCount</c>, or null when absent.</summary>
    public long? EntryCount { get; }

    /// <summary>The manifest's <c>inputCount</c> (lines in <c>inputs.jsonl</c>), or null for a bundle written before it was recorded.</summary>
    public long? InputCount { get; }

    /// <summary>The manifest's <c>inputsWithheld</c> (decisions exported without their input: erased or encrypted), or null.</summary>
    public long? InputsWithheld { get; }

    /// <summary>The filters the manifest states.</summary>
    public IReadOnlyDictionary<string, string> Filters { get; }

    /// <summary>Why a stated filter cannot be understood, or null.</summary>
    public string? FilterError { get; }

    /// <summary>Decisions in the bundle with no line in <c>inputs.jsonl</c>.</summary>
    public long InputsAbsent { get; private set; }

    /// <summary>Reads the checks' claims from the parsed manifest.</summary>
    public static BundleManifestCheck Read(JsonElement root) => new(root);

    /// <summary>The root claim against the signed checkpoint's root; a finding when they differ.</summary>
    public TamperFinding? CheckRoot(Sha256Hash signedRoot, long treeSize) =>
        RootHash == signedRoot.ToBase64()
            ? null
            : new TamperFinding(treeSize, TamperKind.ManifestMismatch, $"manifest.json: 'rootHash' is {(RootHash is null ? "missing" : $"'{RootHash}'")} but the signed checkpoint's root is {signedRoot.ToBase64()}: the manifest does not describe this bundle's checkpoint.");

    /// <summary>Whether <paramref name="full"/> agrees with the stated filters; a finding when not.</summary>
    public TamperFinding? CheckShape(bool full)
    {
        if (FilterError is not null)
        {
            return new TamperFinding(0, TamperKind.ManifestMismatch, $"manifest.json: 'filters': {FilterError}.");
        }

        return full == (Filters.Count == 0)
            ? null
            : new TamperFinding(0, TamperKind.ManifestMismatch, full
                ? $"manifest.json says 'full': true but states filters ({string.Join(", ", Filters.Keys)}): a full bundle has none."
                : "manifest.json says 'full': false but states no filters: a filtered bundle names what it selected.");
    }

    /// <summary>Checks one entry line against the stated filters; a finding naming the filter when it does not match.</summary>
    public TamperFinding? CheckLine(long seq, byte[] line)
    {
        if (_filter is null)
        {
            return null;
        }

        StoredEntry entry;
        try
        {
            entry = new StoredEntry(seq, line, default, ReadColumns(line));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return null; // An unreadable line is reported by the entry checks.
        }

        if (_filter.MatchesColumns(entry) || _refFilter?.MatchesColumns(entry) == true)
        {
            return null;
        }

        string failed = FailedFilter(entry);
        return new TamperFinding(seq, TamperKind.ManifestMismatch, $"The entry line for seq {seq} does not match the manifest's filter '{failed}' = '{Filters[failed]}': the bundle holds an entry its stated selection excludes.");
    }

    /// <summary>Counts a decision (it commits to an input) that has no line in <c>inputs.jsonl</c>.</summary>
    public void InputAbsent(long seq)
    {
        InputsAbsent++;
        if (_firstAbsentInput < 0)
        {
            _firstAbsentInput = seq;
        }
    }

    /// <summary>After every line: the counts against the manifest's claims.</summary>
    /// <param name="lines">Entry lines read.</param>
    /// <param name="inputsPresent">Input lines matched to an entry.</param>
    /// <param name="inputsFileExists">Whether <c>inputs.jsonl</c> exists at all.</param>
    public TamperFinding? Complete(long lines, long inputsPresent, bool inputsFileExists)
    {
        if (EntryCount != lines)
        {
            return new TamperFinding(lines, TamperKind.ManifestMismatch, $"manifest.json: 'entryCount' is {EntryCount?.ToString(CultureInfo.InvariantCulture) ?? "missing"} but {BundleFiles.Entries} holds {lines} entry lines.");
        }

        long decisions = inputsPresent + InputsAbsent;
        string file = inputsFileExists ? $"{BundleFiles.Inputs} holds {inputsPresent}" : $"{BundleFiles.Inputs} is absent, so 0";
        if (InputCount is { } declared)
        {
            long withheld = InputsWithheld ?? 0;
            if (declared != inputsPresent || withheld != InputsAbsent)
            {
                return new TamperFinding(Math.Max(0, _firstAbsentInput), TamperKind.InputMissing, $"The bundle's {decisions} decisions should come with {declared} inputs and {withheld} withheld (erased or encrypted), as manifest.json says, but {file} inputs and {InputsAbsent} are absent{(InputsAbsent > 0 ? $", the first for seq {_firstAbsentInput}" : string.Empty)}: inputs were removed from the bundle.");
            }

            return null;
        }

        // A bundle written before inputCount was recorded: inputs are allowed to be absent one by one
        // (erased or encrypted), but none at all for decisions that exist means the file was emptied.
        return decisions > 0 && inputsPresent == 0
            ? new TamperFinding(_firstAbsentInput, TamperKind.InputMissing, $"{file} inputs for the bundle's {decisions} decisions, and its manifest declares none withheld: the inputs were deleted from the bundle.")
            : null;
    }

    private string FailedFilter(StoredEntry entry)
    {
        foreach (string name in Filters.Keys)
        {
            if (s_uncheckable.Contains(name))
            {
                continue;
            }

            (EntryFilter? single, _) = ToFilter(new Dictionary<string, string> { [name] = Filters[name] });
            if (single is not null && !single.MatchesColumns(entry))
            {
                return name;
            }
        }

        return Filters.Keys.First();
    }

    private static (EntryFilter? Filter, string? Error) ToFilter(Dictionary<string, string> filters)
    {
        if (filters.Count == 0)
        {
            return (null, null);
        }

        try
        {
            var filter = new EntryFilter
            {
                RequestId = Get(filters, "requestId"),
                ModelName = Get(filters, "modelName"),
                ModelVersion = Get(filters, "modelVersion"),
                UserId = Get(filters, "userId"),
                Tenant = Get(filters, "tenant"),
                SubjectId = Get(filters, "subjectId"),
                Kind = Get(filters, "kind"),
                From = Get(filters, "from") is { } from ? DateTimeOffset.Parse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
                To = Get(filters, "to") is { } to ? DateTimeOffset.Parse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
                BeforeSeq = Get(filters, "beforeSeq") is { } before ? long.Parse(before, NumberStyles.None, CultureInfo.InvariantCulture) : null,
            };
            foreach (string name in filters.Keys)
            {
                if (name is not ("requestId" or "modelName" or "modelVersion" or "userId" or "tenant" or "subjectId" or "kind" or "from" or "to" or "beforeSeq") && !s_uncheckable.Contains(name))
                {
                    return (null, $"'{name}' is not a filter an export writes");
                }
            }

            return (filter, null);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return (null, $"a value cannot be read ({e.Message})");
        }
    }

    private static string? Get(Dictionary<string, string> filters, string name) => filters.TryGetValue(name, out string? value) ? value : null;

    // The columns a store would have copied out of the entry: the ones export filters select by.
    private static EntryColumns ReadColumns(byte[] line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        string? Nested(string parent, string name) =>
            root.TryGetProperty(parent, out JsonElement p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        string kind = root.TryGetProperty("kind", out JsonElement k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : EntryColumns.DecisionKind;
        return new EntryColumns(
            root.GetProperty("requestId").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Nested("model", "name") ?? string.Empty,
            Nested("model", "version") ?? string.Empty,
            Nested("actor", "userId"),
            Nested("actor", "tenant"),
            Nested("subject", "id") ?? Nested("subject", "ref") ?? Nested("event", "subjectId") ?? Nested("event", "subjectRef"),
            null,
            kind);
    }
}
