using System.Collections.Frozen;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>
/// Redacts decisions by a <see cref="RedactionPolicy"/>: JSON path selectors replace whole values, detectors
/// replace matched text inside strings, and the result lists what was applied (never values).
/// </summary>
/// <remarks>
/// <para>Thread-safe; construct once per ledger. Everything is compiled in the constructor (selectors parsed,
/// custom patterns compiled with <see cref="System.Text.RegularExpressions.RegexOptions.Compiled"/> and the
/// match timeout); built-in detectors are source-generated.</para>
/// <para>Fast path: a first pass scans without writing (a single pass of character counts over each string's
/// UTF-8 bytes decides whether any detector pattern can match at all); when nothing fires, the original
/// decision object is returned with an empty list and nothing is copied.</para>
/// <para><b>Why not Microsoft.Extensions.Compliance.Redaction.</b> Its <c>Redactor</c> turns one whole value,
/// already known to be sensitive from a compile-time <c>DataClassification</c> attribute, into another; it has
/// no notion of finding personal data inside free text, of JSON path selection over an untyped document, or of
/// recording where redaction happened. The detectors, Luhn/mod-97 validation and selectors are the work here,
/// and the operators are a few lines each, so taking the dependency (plus its configuration and DI packages)
/// into the core would add weight without removing code. Its HMAC redactor's output format also differs from
/// the ledger's <c>hmac:</c> form. An application already classifying data with it can keep doing so upstream.</para>
/// </remarks>
public sealed class PolicyRedactor : IRedactor
{
    /// <summary>The shortest redaction key accepted, in bytes: 32 (256 bits, the HMAC-SHA256 block-safe minimum we allow).</summary>
    public const int MinimumKeyLength = 32;

    private readonly byte[] _key;
    private readonly CompiledProfile _default;
    private readonly FrozenDictionary<string, CompiledProfile> _models;

    /// <summary>Compiles <paramref name="policy"/> with the default 100 ms custom-pattern timeout.</summary>
    /// <param name="policy">The policy; <see cref="RedactionPolicy.PrivacyByDefault"/> when none is configured.</param>
    /// <param name="redactionKey">The ledger's redaction key for the hash operator (copied), at least <see cref="MinimumKeyLength"/> bytes.</param>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinimumKeyLength"/> bytes.</exception>
    /// <exception cref="RedactionPolicyException">The policy is invalid; the message names the rule and the reason.</exception>
    public PolicyRedactor(RedactionPolicy policy, ReadOnlySpan<byte> redactionKey)
        : this(policy, redactionKey, TimeSpan.FromMilliseconds(100))
    {
    }

    /// <summary>Compiles <paramref name="policy"/>.</summary>
    /// <param name="policy">The policy; <see cref="RedactionPolicy.PrivacyByDefault"/> when none is configured.</param>
    /// <param name="redactionKey">The ledger's redaction key for the hash operator (copied), at least <see cref="MinimumKeyLength"/> bytes.</param>
    /// <param name="regexTimeout">The match timeout of custom patterns (<see cref="RedactionOptions.RegexTimeout"/>); positive.</param>
    /// <exception cref="ArgumentException">The key is too short or the timeout is not positive.</exception>
    /// <exception cref="RedactionPolicyException">The policy is invalid; the message names the rule and the reason.</exception>
    public PolicyRedactor(RedactionPolicy policy, ReadOnlySpan<byte> redactionKey, TimeSpan regexTimeout)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (redactionKey.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The redaction key is {redactionKey.Length} bytes; it must be at least {MinimumKeyLength} random bytes so hashed values cannot be brute-forced.",
                nameof(redactionKey));
        }

        if (regexTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The regex timeout must be positive; got {regexTimeout}.", nameof(regexTimeout));
        }

        _key = redactionKey.ToArray();
        (_default, Dictionary<string, CompiledProfile> models) = PolicyCompiler.Compile(policy, regexTimeout, compileRegexes: true);
        _models = models.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The redaction key, for the builder's one-pass writer (<see cref="CanonicalRedactor"/>).</summary>
    internal byte[] Key => _key;

    /// <inheritdoc/>
    public RedactionResult Redact(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        CompiledProfile? profile = ProfileFor(decision);
        return profile is null ? new RedactionResult(decision, []) : RedactionWalker.Redact(decision, profile, _key);
    }

    /// <summary>The profile that applies to <paramref name="decision"/>'s model, or null when it redacts nothing.</summary>
    internal CompiledProfile? ProfileFor(Decision decision)
    {
        CompiledProfile profile = _models.Count != 0 && _models.TryGetValue(decision.Model.Name, out CompiledProfile? model) ? model : _default;
        return profile.IsEmpty ? null : profile;
    }
}
