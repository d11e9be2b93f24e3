using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Entries;

public sealed class EntryCanonicalizerTests
{
    [Fact]
    public void ToCanonicalBytes_MinimalEntry_MatchesGoldenText()
    {
        string expected =
            "{\"inputDigest\":\"" + Sha256Hash.Compute("input"u8).ToHex() + "\"," +
            "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"}," +
            "\"output\":{\"label\":\"fraud\",\"score\":0.91}," +
            "\"redactions\":[]," +
            "\"requestId\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\"," +
            "\"seq\":0," +
            "\"timestamp\":\"2026-11-23T12:00:00.123456Z\"," +
            "\"v\":1}";

        byte[] actual = EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal());

        Assert.Equal(expected, Encoding.UTF8.GetString(actual));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToCanonicalBytes_Entry_IsByteIdenticalToGenericCanonicalizerOfNaiveJson(bool full)
    {
        LedgerEntry entry = full ? SomeEntries.Full() : SomeEntries.Minimal();

        byte[] direct = EntryCanonicalizer.ToCanonicalBytes(entry);
        byte[] generic = JsonCanonicalizer.Canonicalize(NaiveJson(entry));

        Assert.Equal(Encoding.UTF8.GetString(generic), Encoding.UTF8.GetString(direct));
    }

    [Fact]
    public void ToCanonicalBytes_NullOptionalFields_AreOmittedNotNull()
    {
        LedgerEntry entry = SomeEntries.Minimal() with
        {
            Actor = new Actor { UserId = "u1" },
            Explanation = new Explanation { Method = "shap" },
            Subject = new DecisionSubject(),
            Model = new ModelInfo { Name = "m", Version = "1", PipelineVersion = null },
        };

        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(entry));

        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.StartsWith("{\"actor\":{\"userId\":\"u1\"},\"explanation\":{\"method\":\"shap\"},", text, StringComparison.Ordinal);
        Assert.Contains("\"subject\":{},", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCanonicalBytes_NonUtcTimestamp_IsWrittenInUtc()
    {
        LedgerEntry entry = SomeEntries.Minimal() with { Timestamp = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(2)) };

        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(entry));

        Assert.Contains("\"timestamp\":\"2026-11-23T12:00:00.000000Z\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SubMicrosecondTimestamp_ThrowsNamingField()
    {
        LedgerEntry entry = SomeEntries.Minimal() with { Timestamp = SomeEntries.Timestamp.AddTicks(1) };

        var ex = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(entry));
        Assert.Contains("'timestamp'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NaNAttribution_ThrowsNamingField()
    {
        LedgerEntry entry = SomeEntries.Minimal() with
        {
            Explanation = new Explanation { Attributions = new Dictionary<string, double> { ["amount"] = double.NaN } },
        };

        var ex = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(entry));
        Assert.Contains("explanation.attributions", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData((1L << 53) + 1)]
    public void Write_SeqOutOfRange_ThrowsNamingField(long seq)
    {
        var ex = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal() with { Seq = seq }));
        Assert.Contains("'seq'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UndefinedOutput_ThrowsNamingField()
    {
        var ex = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal() with { Output = default }));
        Assert.Contains("'output'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnsupportedVersion_ThrowsNamingField()
    {
        var ex = Assert.Throws<ArgumentException>(() => EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal() with { V = 3 }));
        Assert.Contains("'v'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_CanonicalBytes_RoundTripsEveryField(bool full)
    {
        LedgerEntry original = full ? SomeEntries.Full() : SomeEntries.Minimal();
        byte[] bytes = EntryCanonicalizer.ToCanonicalBytes(original);

        LedgerEntry parsed = EntryCanonicalizer.Parse(bytes);

        Assert.Equal(bytes, EntryCanonicalizer.ToCanonicalBytes(parsed));
        Assert.Equal(original.Seq, parsed.Seq);
        Assert.Equal(original.RequestId, parsed.RequestId);
        Assert.Equal(original.Timestamp, parsed.Timestamp);
        Assert.Equal(TimeSpan.Zero, parsed.Timestamp.Offset);
        Assert.Equal(original.InputDigest, parsed.InputDigest);
        Assert.Equal(original.Model.Name, parsed.Model.Name);
        Assert.Equal(original.Actor, parsed.Actor);
        Assert.Equal(original.Subject, parsed.Subject);
        Assert.Equal(original.LatencyMs, parsed.LatencyMs);
        Assert.Equal(original.Redactions, parsed.Redactions);
        Assert.Equal(original.Explanation?.Attributions?.OrderBy(p => p.Key, StringComparer.Ordinal), parsed.Explanation?.Attributions?.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_ExtraWhitespace_ThrowsNotCanonicalWithOffset()
    {
        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal()));
        byte[] spaced = Encoding.UTF8.GetBytes(text.Replace("\"seq\":0", "\"seq\": 0", StringComparison.Ordinal));

        var ex = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(spaced));
        Assert.Contains("not canonical", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {text.IndexOf("\"seq\":0", StringComparison.Ordinal) + 6}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"score\":0.91", "\"score\":0.910")]
    [InlineData("\"v\":1}", "\"v\":1}\n")]
    [InlineData("{\"inputDigest\":\"", "{\"inputDigest\" :\"")]
    public void Parse_NonCanonicalSpelling_Throws(string from, string to)
    {
        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal()));
        byte[] altered = Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));

        var ex = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(altered));
        Assert.Contains("not canonical", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UppercaseDigest_ThrowsNotCanonical()
    {
        string hex = Sha256Hash.Compute("input"u8).ToHex();
        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal()));

        var ex = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(text.Replace(hex, hex.ToUpperInvariant(), StringComparison.Ordinal))));
        Assert.Contains("not canonical", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReorderedKeys_ThrowsNotCanonical()
    {
        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal()));
        string reordered = text.Replace("\"seq\":0,\"timestamp\"", "\"timestamp\"", StringComparison.Ordinal).Replace("\"v\":1}", "\"v\":1,\"seq\":0}", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(reordered)));
        Assert.Contains("not canonical", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"v\":1}", "\"v\":1,\"w\":2}", "unknown member 'w'")]
    [InlineData("\"v\":1}", "\"v\":3}", "'v' is 3")]
    [InlineData("\"seq\":0,", "\"seq\":0,\"seq\":1,", "'seq' appears more than once")]
    [InlineData("\"seq\":0,", "", "'seq' is missing")]
    [InlineData("\"seq\":0,", "\"seq\":\"0\",", "'seq' is String")]
    [InlineData("\"seq\":0,", "\"seq\":0.5,", "'seq' is 0.5")]
    [InlineData("\"redactions\":[],", "\"metadata\":null,\"redactions\":[],", "'metadata' is null")]
    [InlineData("\"timestamp\":\"2026-11-23T12:00:00.123456Z\"", "\"timestamp\":\"2026-11-23T12:00:00.123Z\"", "'timestamp'")]
    [InlineData("\"model\":{\"name\":\"fraud_detector\",", "\"model\":{", "'model.name' is missing")]
    public void Parse_BadField_ThrowsNamingIt(string from, string to, string expectedMessage)
    {
        string text = Encoding.UTF8.GetString(EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Minimal()));
        Assert.Contains(from, text, StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse(Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal))));
        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => EntryCanonicalizer.Parse("{\"v\":"u8));

    [Fact]
    public void Parse_ResultOutlivesInputBuffer()
    {
        byte[] bytes = EntryCanonicalizer.ToCanonicalBytes(SomeEntries.Full());
        LedgerEntry parsed = EntryCanonicalizer.Parse(bytes);
        Array.Clear(bytes);

        Assert.Equal("fraud", parsed.Output.GetProperty("label").GetString());
    }

    // Writes the entry the obvious way, in declaration order, so only the generic
    // canonicalizer decides key order and number form.
    private static byte[] NaiveJson(LedgerEntry entry)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", entry.V);
            writer.WriteNumber("seq", entry.Seq);
            writer.WriteString("requestId", entry.RequestId);
            writer.WriteString("timestamp", entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteStartObject("model");
            writer.WriteString("name", entry.Model.Name);
            writer.WriteString("version", entry.Model.Version);
            if (entry.Model.PipelineVersion is not null)
            {
                writer.WriteString("pipelineVersion", entry.Model.PipelineVersion);
            }

            if (entry.Model.ArtifactDigest is not null)
            {
                writer.WriteString("artifactDigest", entry.Model.ArtifactDigest);
            }

            if (entry.Model.Parameters is { } parameters)
            {
                writer.WritePropertyName("parameters");
                parameters.WriteTo(writer);
            }

            writer.WriteEndObject();
            if (entry.Actor is { } actor)
            {
                writer.WriteStartObject("actor");
                writer.WriteString("userId", actor.UserId);
                writer.WriteString("tenant", actor.Tenant);
                writer.WriteEndObject();
            }

            if (entry.Subject is { } subject)
            {
                writer.WriteStartObject("subject");
                writer.WriteString("id", subject.Id);
                writer.WriteEndObject();
            }

            writer.WritePropertyName("output");
            entry.Output.WriteTo(writer);
            if (entry.Explanation is { } explanation)
            {
                writer.WriteStartObject("explanation");
                writer.WriteString("method", explanation.Method);
                writer.WriteNumber("baseValue", explanation.BaseValue!.Value);
                writer.WriteStartObject("attributions");
                foreach (KeyValuePair<string, double> pair in explanation.Attributions!)
                {
                    writer.WriteNumber(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            if (entry.LatencyMs is { } latency)
            {
                writer.WriteNumber("latencyMs", latency);
            }

            if (entry.Metadata is { } metadata)
            {
                writer.WritePropertyName("metadata");
                metadata.WriteTo(writer);
            }

            writer.WriteString("inputDigest", entry.InputDigest.ToHex());
            writer.WriteStartArray("redactions");
            foreach (AppliedRedaction redaction in entry.Redactions)
            {
                writer.WriteStartObject();
                writer.WriteString("path", redaction.Path);
                writer.WriteString("rule", redaction.Rule);
                writer.WriteString("operator", redaction.Operator);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
