using System.Text.Json;
using DecisionLedger.Completeness;
using DecisionLedger.Heads;
using DecisionLedger.Verification;

namespace DecisionLedger.Bundles;

/// <summary>
/// Opens a filtered bundle's completeness proof (<c>completeness.json</c>) and subject mapping
/// (<c>subject.json</c>) and checks that they belong to the bundle: the manifest names the same key,
/// the mapping names the manifest's subject, and the proof is for the exported subject's (or model's)
/// chain, so a proof of some other chain cannot lend its "complete" to this bundle.
/// </summary>
internal static class BundleCompleteness
{
    /// <summary>Returns the tracker for the bundle's proof (null when it has none), or a finding.</summary>
    public static async ValueTask<(CompletenessTracker? Tracker, TamperFinding? Finding)> OpenAsync(string directory, BundleManifestCheck claims, long treeSize, CancellationToken cancellationToken)
    {
        string proofPath = Path.Combine(directory, BundleFiles.Completeness);
        string subjectPath = Path.Combine(directory, BundleFiles.Subject);
        string? subjectRef = null;
        if (File.Exists(subjectPath))
        {
            (string? id, subjectRef, string? error) = ReadSubject(await File.ReadAllBytesAsync(subjectPath, cancellationToken).ConfigureAwait(false));
            if (error is not null)
            {
                return Fail($"{BundleFiles.Subject}: {error}");
            }

            if (!claims.Filters.TryGetValue("subjectId", out string? stated) || stated != id)
            {
                return Fail($"{BundleFiles.Subject} maps subject '{id}', but the manifest's subjectId filter is {(stated is null ? "absent" : $"'{stated}'")}: the mapping is not this bundle's.");
            }

            claims.UseSubjectRef(subjectRef!);
        }

        if (!File.Exists(proofPath))
        {
            return claims.CompletenessKey is { } claimed
                ? Fail($"manifest.json says the bundle proves the chain {claimed} complete, but it has no {BundleFiles.Completeness}: the proof was removed.")
                : (null, null);
        }

        CompletenessProof proof;
        try
        {
            proof = CompletenessProofJson.Parse(await File.ReadAllBytesAsync(proofPath, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException e)
        {
            return Fail($"{BundleFiles.Completeness} cannot be read: {e.Message}");
        }

        if (proof.TreeSize != treeSize || proof.Upper.HeadsSeq != treeSize - 1)
        {
            return (null, new TamperFinding(proof.Upper.HeadsSeq, TamperKind.HeadsMissing, $"{BundleFiles.Completeness} proves against the heads entry at seq {proof.Upper.HeadsSeq} (tree size {proof.TreeSize}), but the bundle's checkpoint covers {treeSize} entries, so its heads entry is seq {treeSize - 1}: the proof is stale or for another checkpoint."));
        }

        if (claims.CompletenessKey != proof.Key)
        {
            return Fail($"{BundleFiles.Completeness} proves the chain {proof.Key}, but manifest.json's 'completeness' is {(claims.CompletenessKey is null ? "absent" : $"'{claims.CompletenessKey}'")}.");
        }

        string? expected = subjectRef is not null
            ? ChainKeys.Subject(subjectRef)
            : claims.Filters.TryGetValue("modelName", out string? model) ? ChainKeys.Model(model) : null;
        if (expected != proof.Key)
        {
            return Fail($"{BundleFiles.Completeness} proves the chain {proof.Key}, but the bundle selects {expected ?? "neither one subject nor one model"}: the proof is not about this bundle's entries.");
        }

        return (new CompletenessTracker(proof), null);
    }

    private static (string? Id, string? Ref, string? Error) ReadSubject(byte[] bytes)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out JsonElement id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("ref", out JsonElement subjectRef) || subjectRef.ValueKind != JsonValueKind.String)
            {
                return (null, null, "must be {\"id\": string, \"ref\": string}");
            }

            return (id.GetString(), subjectRef.GetString(), null);
        }
        catch (JsonException e)
        {
            return (null, null, $"not JSON ({e.Message})");
        }
    }

    private static (CompletenessTracker?, TamperFinding?) Fail(string detail) => (null, new TamperFinding(0, TamperKind.ManifestMismatch, detail));
}
