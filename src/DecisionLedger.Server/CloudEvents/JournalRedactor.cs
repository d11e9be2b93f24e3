using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Keeps personal data out of the pending-halves journal: a half is redacted by the ledger's policy before its
/// line is written, and a decision with a half read back from the journal is recorded as a prepared
/// (<see cref="RedactedDecision"/>) decision whose redactions and input fingerprint are those the original
/// halves would have produced. A pair of halves still held in memory (the usual case) is recorded as before.
/// </summary>
/// <remarks>
/// Redaction is local to a value's path (selectors name paths, detectors look at one string, operators replace
/// one value), and the profile is chosen by the model name both halves share, so redacting a half as a decision
/// of its own gives the values and the list the pair would have had for the same paths. Member order is kept as
/// received (the recorder lists a pair's redactions in document order: input, output, then metadata's members in
/// the order the builder writes them).
/// </remarks>
internal sealed class JournalRedactor(InferenceDecisionBuilder builder, IRedactor redactor, InputFingerprinter fingerprinter, TimeProvider time)
{
    private const string JournalReason = "journal";
    private const string InputSection = "input";
    private const string OutputSection = "output";
    private const string MetadataSection = "metadata";
    private const string Headers = "metadata.headers";
    private const string Annotations = "metadata.annotations";

    private readonly DecisionPreparer _identify = new(fingerprinter, NoRedaction.Instance, time);

    /// <summary>
    /// The half as the journal holds it: body, headers and annotations redacted by the ledger's policy, with what
    /// was applied and (for a request) the original body's fingerprint. A half that already is redacted is returned as is.
    /// </summary>
    /// <exception cref="DecisionValidationException">The half cannot be part of a decision.</exception>
    /// <exception cref="RedactionException">The policy cannot be applied to it.</exception>
    public InferenceEvent RedactHalf(InferenceEvent half)
    {
        if (half.Redaction is not null)
        {
            return half;
        }

        bool request = half.Kind == InferenceEventKind.Request;
        Decision alone = builder.Build(request ? half : null, request ? null : half, JournalReason);
        Sha256Hash? fingerprint = request ? fingerprinter.Fingerprint(alone.Input) : null;
        RedactionResult result = redactor.Redact(alone);
        string section = request ? InputSection : OutputSection;
        JsonElement? metadata = result.Redacted.Metadata;
        return half with
        {
            Body = (request ? result.Redacted.Input : result.Redacted.Output).Clone(),
            Metadata = half.Metadata is null ? null : Member(metadata, "headers"),
            Annotations = half.Annotations is null ? null : Member(metadata, "annotations"),
            Redaction = new HalfRedaction(
                [.. result.Applied.Where(a => Within(a.Path, section) || Within(a.Path, Headers) || Within(a.Path, Annotations))],
                fingerprint),
        };
    }

    /// <summary>Records the decision of <paramref name="request"/> and <paramref name="response"/> (either may be absent) with <paramref name="sink"/>.</summary>
    /// <exception cref="DecisionValidationException">The halves cannot form a decision.</exception>
    /// <exception cref="RedactionException">The policy cannot be applied.</exception>
    public Task<InferenceRecord> RecordAsync(IInferenceDecisionSink sink, InferenceEvent? request, InferenceEvent? response, string? aloneBecause, bool waitForReceipt) =>
        request?.Redaction is null && response?.Redaction is null
            ? sink.RecordAsync(builder.Build(request, response, aloneBecause), waitForReceipt)
            : sink.RecordPreparedAsync(Prepare(request, response, aloneBecause), waitForReceipt);

    /// <summary>
    /// The prepared decision of halves of which at least one was read back (redacted) from the journal: the parts
    /// such a half supplies keep the redactions it recorded; the rest is redacted now.
    /// </summary>
    /// <exception cref="DecisionValidationException">The halves cannot form a decision.</exception>
    /// <exception cref="RedactionException">The policy cannot be applied.</exception>
    public RedactedDecision Prepare(InferenceEvent? request, InferenceEvent? response, string? aloneBecause)
    {
        Decision built = builder.Build(request, response, aloneBecause);
        RedactionResult now = redactor.Redact(built);

        // The half that supplies metadata's headers and annotations is the first one (the request when present).
        InferenceEvent first = request ?? response!;
        var owned = new List<string>(4);
        var kept = new List<AppliedRedaction>();
        Keep(request, InputSection);
        Keep(response, OutputSection);
        if (first.Redaction is not null)
        {
            owned.Add(Headers);
            owned.Add(Annotations);
            kept.AddRange(first.Redaction.Applied.Where(a => Within(a.Path, Headers) || Within(a.Path, Annotations)));
        }

        // Each group of paths (a section, or one metadata member) comes wholly from one list, in document order
        // already; a stable sort by group restores the order the recorder lists a pair's redactions in.
        List<string> members = built.Metadata is { ValueKind: JsonValueKind.Object } metadata ? [.. metadata.EnumerateObject().Select(p => p.Name)] : [];
        List<AppliedRedaction> applied =
        [
            .. kept.Concat(now.Applied.Where(a => !owned.Exists(prefix => Within(a.Path, prefix))))
                .Select((redaction, index) => (redaction, index))
                .OrderBy(pair => SectionRank(pair.redaction.Path))
                .ThenBy(pair => members.IndexOf(MetadataMember(pair.redaction.Path)))
                .ThenBy(pair => pair.index)
                .Select(pair => pair.redaction),
        ];
        RedactedDecision identified = _identify.Prepare(now.Redacted);
        return identified with
        {
            Redactions = applied,
            InputFingerprint = request?.Redaction?.InputFingerprint ?? fingerprinter.Fingerprint(built.Input),
        };

        void Keep(InferenceEvent? half, string section)
        {
            if (half?.Redaction is { } redaction)
            {
                owned.Add(section);
                kept.AddRange(redaction.Applied.Where(a => Within(a.Path, section)));
            }
        }
    }

    private static JsonElement? Member(JsonElement? metadata, string name) =>
        metadata is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out JsonElement member) && member.ValueKind == JsonValueKind.Object
            ? member.Clone()
            : null;

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or below it.</summary>
    private static bool Within(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && (path.Length == prefix.Length || path[prefix.Length] is '.' or '[');

    private static int SectionRank(string path) =>
        Within(path, InputSection) ? 0 : Within(path, OutputSection) ? 1 : Within(path, MetadataSection) ? 2 : 3;

    private static string MetadataMember(string path)
    {
        if (!Within(path, MetadataSection) || path.Length == MetadataSection.Length)
        {
            return string.Empty;
        }

        string rest = path[(MetadataSection.Length + 1)..];
        int end = rest.IndexOfAny(['.', '[']);
        return end < 0 ? rest : rest[..end];
    }
}
