using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Redaction;

namespace DecisionLedger.Tests.Entries;

/// <summary>
/// The one-pass <see cref="EntryBuilder"/> against the builder it replaced (<see cref="LegacyEntryBuilder"/>):
/// entry bytes, leaf hash, stored input, salt and fingerprint must be identical, and a decision one refuses the
/// other refuses with the same exception type; over realistic decisions and thousands of random ones, under
/// privacy by default, selector policies, no redaction, a custom redactor, and prepared decisions.
/// </summary>
public sealed class OnePassDifferentialTests
{
    private const string Selectors = """
        {"default":{"rules":[
          {"name":"drop-secret","select":"$..secret","operator":"drop"},
          {"name":"mask-card","select":"$.input.card","operator":"mask","keep":4},
          {"name":"hash-token","select":"$..token","operator":"hash"},
          {"name":"tag-item","select":"$.input.items[1]","tag":"[ITEM]"},
          {"name":"drop-first","select":"$..list[0]","operator":"drop"},
          {"name":"hash-ip","select":"$.metadata.ip","operator":"hash"},
          {"name":"mask-user","select":"$.output.*.user","operator":"mask"},
          {"name":"tag-method","select":"$.explanation.method"},
          {"name":"drop-zip","select":"$.explanation.attributions.zip","operator":"drop"},
          {"name":"tag-odd","select":"$.input['a b']"},
          {"name":"tag-unicode","select":"$..é"}
        ]},
        "models":{"other_model":{"detectors":"none","rules":[
          {"name":"all-metadata","select":"$.metadata.*","operator":"drop"},
          {"name":"everything-input","select":"$.input","operator":"hash"},
          {"name":"deep-a","select":"$..a","operator":"mask","keep":2}
        ]}}}
        """;

    private static readonly DateTimeOffset s_timestamp = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Policies => new() { "privacy-by-default", "selectors", "none", "custom" };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Build_RandomDecisions_MatchesLegacyBuilderByteForByte(string policy)
    {
        IRedactor redactor = Redactor(policy);
        var decisions = new RandomDecisions(policy.Length * 7919);
        int redacted = 0;
        for (int i = 0; i < 3_000; i++)
        {
            redacted += AssertSame(redactor, decisions.Next(), i);
        }

        if (policy != "none")
        {
            Assert.True(redacted > 300, $"only {redacted} decisions had anything redacted; the test proves little");
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Build_RealisticDecisions_MatchesLegacyBuilderByteForByte(string policy)
    {
        IRedactor redactor = Redactor(policy);
        int seq = 0;
        foreach (byte[] json in Realistic())
        {
            AssertSame(redactor, DecisionParser.Default.Parse(json), seq++);
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void BuildPrepared_RandomDecisions_MatchesLegacyBuilderByteForByte(string policy)
    {
        IRedactor redactor = Redactor(policy);
        var decisions = new RandomDecisions(policy.Length * 31);
        for (int i = 0; i < 500; i++)
        {
            Decision decision = decisions.Next();
            RedactionResult result;
            try
            {
                result = redactor.Redact(decision);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                continue;
            }

            var prepared = new RedactedDecision(result.Redacted with { RequestId = "r-" + i, Timestamp = s_timestamp }, result.Applied, Sha256Hash.Compute(Encoding.UTF8.GetBytes("fp" + i)));
            using var legacy = new LegacyEntryBuilder(new InputFingerprinter(SomeRedaction.Key), new SeededRandomSource(i), redactor);
            using var builder = new EntryBuilder(new InputFingerprinter(SomeRedaction.Key), new SeededRandomSource(i), redactor);
            (Exception? oldError, StoredEntry? oldEntry, StoredInput? oldInput) = Try(() => legacy.BuildPrepared(i, prepared));
            (Exception? newError, StoredEntry? newEntry, StoredInput? newInput) = Try(() => builder.Build(i, prepared));
            AssertEqual(i, oldError, oldEntry, oldInput, newError, newEntry, newInput);
        }
    }

    [Fact]
    public void Build_DuplicateNameDroppedBySelector_MatchesLegacy()
    {
        IRedactor redactor = Redactor("selectors");
        foreach (string input in new[] { """{"secret":1,"secret":2,"x":1}""", """{"x":1,"x":2}""", """{"email":"a@b.io","email":"c@d.io"}""", """{"n":1e400}""", """{"s":"\ud800"}""" })
        {
            using var document = System.Text.Json.JsonDocument.Parse(input);
            var decision = new Decision { Model = new ModelInfo { Name = "fraud_detector", Version = "1" }, Input = document.RootElement, Output = document.RootElement };
            AssertSame(redactor, decision, 1);
        }
    }

    private static IRedactor Redactor(string policy) => policy switch
    {
        "privacy-by-default" => SomeRedaction.Redactor(),
        "selectors" => SomeRedaction.Redactor(Selectors),
        "custom" => new Wrapped(SomeRedaction.Redactor(Selectors)),
        _ => NoRedaction.Instance,
    };

    private static int AssertSame(IRedactor redactor, Decision decision, int seq)
    {
        using var legacy = new LegacyEntryBuilder(new InputFingerprinter(SomeRedaction.Key), new SeededRandomSource(seq), redactor);
        using var builder = new EntryBuilder(new InputFingerprinter(SomeRedaction.Key), new SeededRandomSource(seq), redactor);
        string requestId = "req-" + seq;
        int applied = 0;
        (Exception? oldError, StoredEntry? oldEntry, StoredInput? oldInput) = Try(() =>
        {
            var (entry, input, redactions) = legacy.Build(seq, decision, requestId, s_timestamp);
            applied = redactions.Count;
            return (entry, input);
        });
        (Exception? newError, StoredEntry? newEntry, StoredInput? newInput) = Try(() => builder.Build(seq, decision, requestId, s_timestamp));
        AssertEqual(seq, oldError, oldEntry, oldInput, newError, newEntry, newInput);
        return applied > 0 ? 1 : 0;
    }

    private static void AssertEqual(int seq, Exception? oldError, StoredEntry? oldEntry, StoredInput? oldInput, Exception? newError, StoredEntry? newEntry, StoredInput? newInput)
    {
        Assert.Equal(oldError?.GetType(), newError?.GetType());
        if (oldError is not null)
        {
            return;
        }

        Assert.True(
            oldEntry!.CanonicalBytes.AsSpan().SequenceEqual(newEntry!.CanonicalBytes),
            $"case {seq}:\nold {Encoding.UTF8.GetString(oldEntry.CanonicalBytes)}\nnew {Encoding.UTF8.GetString(newEntry.CanonicalBytes)}");
        Assert.Equal(oldEntry.LeafHash, newEntry.LeafHash);
        Assert.Equal(oldEntry.Columns, newEntry.Columns);
        Assert.Equal(Encoding.UTF8.GetString(oldInput!.Input), Encoding.UTF8.GetString(newInput!.Input));
        Assert.Equal(oldInput.Salt, newInput.Salt);
        Assert.Equal(oldInput.Seq, newInput.Seq);
    }

    private static (Exception? Error, StoredEntry? Entry, StoredInput? Input) Try(Func<(StoredEntry, StoredInput)> build)
    {
        try
        {
            (StoredEntry entry, StoredInput input) = build();
            return (null, entry, input);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or RedactionException)
        {
            return (e, null, null);
        }
    }

    private static IEnumerable<byte[]> Realistic()
    {
        yield return Some.ExampleDecisionUtf8();
        var pii = new PiiCorpus(5);
        for (int i = 0; i < 200; i++)
        {
            string json = $$$"""
                {"model":{"name":"{{{(i % 5 == 0 ? "other_model" : "fraud_detector")}}}","version":"3.2.1","pipelineVersion":"prep-7","parameters":{"threshold":0.72,"trees":300}},
                 "input":{"transactionId":"tx-{{{i:D8}}}","amount":{{{1249.99 + i}}},"currency":"EUR","contact":"{{{pii.Email()}}}","card":"{{{pii.ValidCard()}}}","phone":"{{{pii.Phone()}}}","note":"iban {{{pii.ValidIban()}}} ssn {{{pii.ValidSsn()}}}","items":[1,{"token":"t{{{i}}}","a":"abcdef"},3],"secret":{"x":1},"deviceTrustScore":0.1234,"distanceFromHomeKm":1834.5,"hourOfDay":23,"small":1e-7,"big":1e21},
                 "output":{"label":"fraud","score":0.913201,"threshold":0.72,"review":{"user":"analyst-{{{i}}}","queue":"manual"}},
                 "explanation":{"method":"feature-contribution","baseValue":0.083,"attributions":{"amount":0.182,"zip":0.051,"country":-0.012}},
                 "actor":{"userId":"svc-payments-3","tenant":"emea"},"subject":{"id":"customer-{{{i}}}"},"latencyMs":4.812,
                 "metadata":{"endpoint":"/predict","ip":"{{{pii.IPv4()}}}","ip6":"{{{pii.IPv6()}}}","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}
                """;
            yield return Encoding.UTF8.GetBytes(json);
        }
    }

    /// <summary>A redactor the builder does not know, so it takes the redact-then-write path.</summary>
    private sealed class Wrapped(IRedactor inner) : IRedactor
    {
        public RedactionResult Redact(Decision decision) => inner.Redact(decision);
    }
}
