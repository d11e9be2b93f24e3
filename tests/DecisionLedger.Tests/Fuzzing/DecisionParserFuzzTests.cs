using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// The decision parser under mutated decisions: it refuses only with
/// <see cref="DecisionValidationException"/>, and (issue 12, §1) whatever it accepts can be stored:
/// every part canonicalizes, no string holds NUL, and the identity fields hold no bidi override or
/// noncharacter.
/// </summary>
public sealed class DecisionParserFuzzTests
{
    private static readonly byte[][] s_corpus =
    [
        Some.Utf8(Some.ExampleDecisionJson),
        Some.Utf8(Some.MinimalDecisionJson),
        """{"requestId":"k1","model":{"name":"m","version":"1"},"input":{"k":1},"output":{}}"""u8.ToArray(),
        """{"model":{"name":"m","version":"1"},"input":{"a":{"b":[1,{"c":null}]}},"output":{"label":"fraud","score":0.9},"metadata":{"ip":"10.0.0.7"}}"""u8.ToArray(),
        """{"model":{"name":"m","version":"1"},"input":{},"output":{},"explanation":{"method":"shap","baseValue":0.1,"attributions":{"amount":0.42}},"actor":{"userId":"u","tenant":"t"},"subject":{"id":"s"},"latencyMs":1.5,"timestamp":"2026-11-23T12:00:00.123456789+01:00"}"""u8.ToArray(),
    ];

    [Fact]
    public void Parse_MutatedDecisions_FailsOnlyWithDecisionValidationException()
    {
        FuzzBudget.Run(ByteMutations.Of(s_corpus), shortRun: 6_000, bytes =>
        {
            try
            {
                DecisionParser.Default.Parse(bytes);
            }
            catch (DecisionValidationException error)
            {
                Assert.False(string.IsNullOrEmpty(error.Path));
            }
        }, ByteMutations.Show);
    }

    [Fact]
    public void Parse_MutatedDecisions_AcceptsOnlyWhatCanBeStored()
    {
        FuzzBudget.Run(ByteMutations.Of(s_corpus), shortRun: 6_000, bytes =>
        {
            Decision decision;
            try
            {
                decision = DecisionParser.Default.Parse(bytes);
            }
            catch (DecisionValidationException)
            {
                return;
            }

            foreach (JsonElement part in new[] { decision.Input, decision.Output }.Concat(decision.Metadata is { } m ? [m] : []))
            {
                JsonCanonicalizer.Canonicalize(part);
                AssertNoNul(part);
            }

            // The documented rules (DecisionParser remarks): no identifier holds a bidi override or isolate, a
            // noncharacter or a lone surrogate; requestId, which is printed bare in CLI output, no control either.
            Assert.True(decision.RequestId is null || IsPlainText(decision.RequestId, allowControls: false), $"requestId {decision.RequestId} holds a control, bidi override, noncharacter or lone surrogate");
            foreach (string? identity in new[] { decision.Model.Name, decision.Subject?.Id, decision.Actor?.UserId })
            {
                Assert.True(identity is null || IsPlainText(identity, allowControls: true), $"identity field {identity} holds a bidi override, noncharacter or lone surrogate");
            }
        }, ByteMutations.Show);
    }

    private static void AssertNoNul(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Assert.DoesNotContain('\0', property.Name);
                    AssertNoNul(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    AssertNoNul(item);
                }

                break;
            case JsonValueKind.String:
                Assert.DoesNotContain('\0', element.GetString()!);
                break;
            default:
                break;
        }
    }

    private static bool IsPlainText(string text, bool allowControls)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (!Rune.TryGetRuneAt(text, i, out Rune rune))
            {
                return false;
            }

            int value = rune.Value;
            bool bidi = value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
            bool nonCharacter = value is (>= 0xFDD0 and <= 0xFDEF) || (value & 0xFFFE) == 0xFFFE;
            if ((!allowControls && Rune.IsControl(rune)) || bidi || nonCharacter)
            {
                return false;
            }

            i += rune.Utf16SequenceLength;
        }

        return true;
    }
}
