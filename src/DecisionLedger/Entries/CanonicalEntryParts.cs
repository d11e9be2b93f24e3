using System.Buffers;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>
/// The fixed-schema parts of an entry written straight in RFC 8785 form: <c>actor</c>, <c>subject</c>,
/// <c>model</c>, <c>explanation</c> (its attributions sorted ordinally, which is UTF-16 order) and
/// <c>redactions</c>. Shared by <see cref="EntryCanonicalizer"/> and the one-pass <see cref="DecisionEntryWriter"/>.
/// </summary>
internal static class CanonicalEntryParts
{
    /// <summary>Writes the <c>actor</c> object, members in JCS order, null members omitted.</summary>
    public static void WriteActor(IBufferWriter<byte> output, Actor actor)
    {
        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"tenant\":"u8, actor.Tenant);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"userId\":"u8, actor.UserId);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Writes the <c>subject</c> object; a null id is omitted.</summary>
    public static void WriteSubject(IBufferWriter<byte> output, DecisionSubject subject)
    {
        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"id\":"u8, subject.Id);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Writes the v2 <c>subject</c> object, <c>{"ref":"…"}</c>; the ref is base64url, so it needs no escaping.</summary>
    public static void WriteSubjectRef(IBufferWriter<byte> output, string subjectRef)
    {
        CanonicalTokenWriter.WriteRaw(output, "{\"ref\":"u8);
        JsonCanonicalizer.WriteString(subjectRef, output);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Writes the v2 <c>prev</c> object, <c>{"model":n,"subject":n}</c>.</summary>
    public static void WritePrev(IBufferWriter<byte> output, ChainLinks prev)
    {
        CanonicalTokenWriter.WriteRaw(output, "{\"model\":"u8);
        CanonicalTokenWriter.WriteInteger(output, prev.Model);
        CanonicalTokenWriter.WriteRaw(output, ",\"subject\":"u8);
        CanonicalTokenWriter.WriteInteger(output, prev.Subject);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Writes the <c>model</c> object, members in JCS order, null members omitted.</summary>
    public static void WriteModel(IBufferWriter<byte> output, ModelInfo model)
    {
        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"artifactDigest\":"u8, model.ArtifactDigest);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"name\":"u8, model.Name);
        if (model.Parameters is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } parameters)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"parameters\":"u8);
            JsonCanonicalizer.Write(parameters, output);
        }

        CanonicalTokenWriter.OptionalString(output, ref first, "\"pipelineVersion\":"u8, model.PipelineVersion);
        CanonicalTokenWriter.OptionalString(output, ref first, "\"version\":"u8, model.Version);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    /// <summary>Writes the <c>explanation</c> object, members in JCS order, null members omitted.</summary>
    public static void WriteExplanation(IBufferWriter<byte> output, Explanation explanation)
    {
        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        if (explanation.Attributions is { } attributions)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"attributions\":"u8);
            WriteAttributions(output, attributions);
        }

        if (explanation.BaseValue is { } baseValue)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"baseValue\":"u8);
            CanonicalTokenWriter.Number(output, baseValue, "explanation.baseValue");
        }

        CanonicalTokenWriter.OptionalString(output, ref first, "\"method\":"u8, explanation.Method);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }

    private static void WriteAttributions(IBufferWriter<byte> output, IReadOnlyDictionary<string, double> attributions)
    {
        int count = attributions.Count;
        string[] names = ArrayPool<string>.Shared.Rent(Math.Max(count, 1));
        double[] values = ArrayPool<double>.Shared.Rent(Math.Max(count, 1));
        try
        {
            int n = 0;

            // The concrete type's struct enumerator avoids boxing one on the hot path.
            if (attributions is Dictionary<string, double> dictionary)
            {
                foreach (KeyValuePair<string, double> pair in dictionary)
                {
                    names[n] = pair.Key;
                    values[n++] = pair.Value;
                }
            }
            else
            {
                foreach (KeyValuePair<string, double> pair in attributions)
                {
                    if (n == count)
                    {
                        throw new ArgumentException("Entry field 'explanation.attributions' changed while it was being written.", nameof(attributions));
                    }

                    names[n] = pair.Key;
                    values[n++] = pair.Value;
                }
            }

            // RFC 8785 orders members by UTF-16 code units, which is exactly ordinal order.
            Array.Sort(names, values, 0, n, StringComparer.Ordinal);
            CanonicalTokenWriter.WriteRaw(output, "{"u8);
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    if (string.Equals(names[i - 1], names[i], StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Entry field 'explanation.attributions' has the feature \"{names[i]}\" twice.", nameof(attributions));
                    }

                    CanonicalTokenWriter.WriteRaw(output, ","u8);
                }

                JsonCanonicalizer.WriteString(names[i], output);
                CanonicalTokenWriter.WriteRaw(output, ":"u8);
                CanonicalTokenWriter.Number(output, values[i], "explanation.attributions");
            }

            CanonicalTokenWriter.WriteRaw(output, "}"u8);
        }
        finally
        {
            ArrayPool<string>.Shared.Return(names, clearArray: true);
            ArrayPool<double>.Shared.Return(values);
        }
    }

    /// <summary>Writes the <c>redactions</c> array; each item's members in JCS order.</summary>
    public static void WriteRedactions(IBufferWriter<byte> output, IReadOnlyList<AppliedRedaction> redactions)
    {
        CanonicalTokenWriter.WriteRaw(output, "["u8);
        for (int i = 0; i < redactions.Count; i++)
        {
            AppliedRedaction redaction = redactions[i];
            if (redaction?.Path is null || redaction.Rule is null || redaction.Operator is null)
            {
                throw new ArgumentException(
                    $"Entry field 'redactions[{i}]' needs a path, a rule and an operator.", nameof(redactions));
            }

            CanonicalTokenWriter.WriteRaw(output, i == 0 ? "{\"operator\":"u8 : ",{\"operator\":"u8);
            JsonCanonicalizer.WriteString(redaction.Operator, output);
            CanonicalTokenWriter.WriteRaw(output, ",\"path\":"u8);
            JsonCanonicalizer.WriteString(redaction.Path, output);
            CanonicalTokenWriter.WriteRaw(output, ",\"rule\":"u8);
            JsonCanonicalizer.WriteString(redaction.Rule, output);
            CanonicalTokenWriter.WriteRaw(output, "}"u8);
        }

        CanonicalTokenWriter.WriteRaw(output, "]"u8);
    }
}
