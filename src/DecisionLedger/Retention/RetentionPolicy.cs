using DecisionLedger.Storage;

namespace DecisionLedger.Retention;

/// <summary>
/// A ledger's retention policy: a default rule, per-model rules, the legal floor for <c>keep</c>
/// and the legal holds. Read from the <c>retention</c> section of <c>ledger.json</c> or a policy
/// file by <see cref="RetentionPolicyParser"/>.
/// </summary>
/// <param name="Default">The rule for models without their own.</param>
/// <param name="Models">Per-model rules; a field a model's rule leaves out comes from <paramref name="Default"/>.</param>
/// <param name="LegalFloor">The shortest <c>keep</c> allowed without an override (default <c>P6M</c>, AI Act Art. 19 and 26(6)).</param>
/// <param name="Overrides">The rules (<c>default</c> or a model name) whose <c>keep</c> is below the floor by an explicit override.</param>
/// <param name="Holds">The legal holds.</param>
public sealed record RetentionPolicy(
    RetentionRule Default,
    IReadOnlyDictionary<string, RetentionRule> Models,
    IsoDuration LegalFloor,
    IReadOnlyDictionary<string, FloorOverride> Overrides,
    IReadOnlyList<LegalHold> Holds)
{
    /// <summary>The default legal floor, <c>P6M</c>.</summary>
    public const string DefaultLegalFloor = "P6M";

    /// <summary>A policy that moves and deletes nothing.</summary>
    public static RetentionPolicy None { get; } = new(
        RetentionRule.Never,
        new Dictionary<string, RetentionRule>(),
        IsoDuration.Parse(DefaultLegalFloor, "retention.legalFloor"),
        new Dictionary<string, FloorOverride>(),
        []);

    /// <summary>The effective rule of a model: its own fields, the default's where it has none.</summary>
    /// <param name="model">The model name, or <see langword="null"/>.</param>
    /// <returns>The rule.</returns>
    public RetentionRule RuleFor(string? model)
    {
        if (model is null || !Models.TryGetValue(model, out RetentionRule? own))
        {
            return Default;
        }

        return new RetentionRule(own.Live ?? Default.Live, own.Inputs ?? Default.Inputs, own.Keep ?? Default.Keep);
    }

    /// <summary>The first hold covering a decision, or <see langword="null"/>.</summary>
    /// <param name="seq">The seq.</param>
    /// <param name="model">The model, or <see langword="null"/>.</param>
    /// <param name="subject">The subject column, or <see langword="null"/>.</param>
    /// <returns>The hold.</returns>
    public LegalHold? HoldOn(long seq, string? model, string? subject) =>
        Holds.FirstOrDefault(h => h.Covers(seq, model, subject));

    /// <summary>Whether a decision's body is due for archiving at <paramref name="now"/> (its rule's <c>live</c> has passed). Holds do not stop archiving.</summary>
    /// <param name="columns">The decision's columns.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when due.</returns>
    public bool IsArchiveDue(EntryColumns columns, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return RuleFor(ModelOf(columns)).Live is { } live && columns.Timestamp < live.Before(now);
    }

    /// <summary>Whether a decision's stored input is due for deletion at <paramref name="now"/> (its rule's <c>inputs</c> has passed), ignoring holds.</summary>
    /// <param name="columns">The decision's columns.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when due.</returns>
    public bool IsInputDeletionDue(EntryColumns columns, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return RuleFor(ModelOf(columns)).Inputs is { } inputs && columns.Timestamp < inputs.Before(now);
    }

    /// <summary>The model of a decision's columns: <see langword="null"/> for none.</summary>
    /// <param name="columns">The columns.</param>
    /// <returns>The model name or <see langword="null"/>.</returns>
    public static string? ModelOf(EntryColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return string.IsNullOrEmpty(columns.ModelName) ? null : columns.ModelName;
    }
}
