using System.Globalization;

namespace DecisionLedger.Retention;

/// <summary>
/// A legal hold: while it stands, no data it covers may be deleted (input deletion, keep expiry,
/// erasure rewrites of archives). Archiving stays allowed, because a verified move loses nothing.
/// It names a subject, a model or a seq range.
/// </summary>
/// <param name="Subject">The data subject (the decisions' <c>subject.id</c>, or in a v2 ledger its ref), or <see langword="null"/>.</param>
/// <param name="Model">The model name, or <see langword="null"/>.</param>
/// <param name="FromSeq">The first held seq, or <see langword="null"/>.</param>
/// <param name="ToSeq">The last held seq (inclusive), or <see langword="null"/>.</param>
/// <param name="Reason">Why, e.g. a case number; optional.</param>
public sealed record LegalHold(string? Subject, string? Model, long? FromSeq, long? ToSeq, string? Reason)
{
    /// <summary>Whether the hold covers a decision.</summary>
    /// <param name="seq">The decision's seq.</param>
    /// <param name="model">Its model, or <see langword="null"/>.</param>
    /// <param name="subject">Its subject column (id or ref), or <see langword="null"/>.</param>
    /// <returns>True when held.</returns>
    public bool Covers(long seq, string? model, string? subject) =>
        (Subject is not null && string.Equals(Subject, subject, StringComparison.Ordinal))
        || (Model is not null && string.Equals(Model, model, StringComparison.Ordinal))
        || (FromSeq is { } from && ToSeq is { } to && seq >= from && seq <= to);

    /// <summary>Names the hold for messages, e.g. <c>hold on subject customer-1842 (litigation 2026-17)</c>.</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        string what = Subject is not null ? $"subject {Subject}"
            : Model is not null ? $"model {Model}"
            : string.Create(CultureInfo.InvariantCulture, $"seqs {FromSeq}-{ToSeq}");
        return Reason is null ? $"hold on {what}" : $"hold on {what} ({Reason})";
    }
}
