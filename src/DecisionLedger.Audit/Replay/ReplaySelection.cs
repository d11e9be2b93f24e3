using System.Globalization;

namespace DecisionLedger.Replay;

/// <summary>
/// Which decisions a replay re-scores: one by <see cref="Seq"/> or <see cref="RequestId"/>, or a
/// model's decisions in a time range (optionally one version, optionally a random sample).
/// </summary>
public sealed record ReplaySelection
{
    /// <summary>The most decisions one run replays without <see cref="Sample"/>: 10,000.</summary>
    public const int MaxDecisions = 10_000;

    /// <summary>One decision by seq.</summary>
    public long? Seq { get; init; }

    /// <summary>One decision by request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>A model's decisions (exact <c>model.name</c>).</summary>
    public string? Model { get; init; }

    /// <summary>Only this <c>model.version</c> (with <see cref="Model"/>).</summary>
    public string? Version { get; init; }

    /// <summary>Inclusive lower bound on the decision time (with <see cref="Model"/>).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the decision time (with <see cref="Model"/>).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Replay a uniform random sample of this many of the model's decisions (with <see cref="Model"/>); 1 or more.</summary>
    public int? Sample { get; init; }

    /// <summary>The seed of <see cref="Sample"/>, so a sample can be drawn again. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Throws when the selection is not exactly one of the three forms; the message names the option.</summary>
    /// <exception cref="ArgumentException">None or several of seq, request id and model; range or sample options without a model; a sample below 1; from not before to.</exception>
    public void Validate()
    {
        int forms = (Seq is null ? 0 : 1) + (RequestId is null ? 0 : 1) + (Model is null ? 0 : 1);
        if (forms != 1)
        {
            throw new ArgumentException("--seq, --request-id, --model: pass exactly one of them (one decision by seq or request id, or a model's decisions).");
        }

        if (Seq is < 0)
        {
            throw new ArgumentException($"--seq: {Seq} is negative; pass a seq of 0 or more.");
        }

        if (RequestId is { Length: 0 } || Model is { Length: 0 })
        {
            throw new ArgumentException(RequestId is { Length: 0 } ? "--request-id: empty; pass the decision's request id." : "--model: empty; pass the exact model name.");
        }

        if (Model is null && (Version is not null || From is not null || To is not null || Sample is not null))
        {
            throw new ArgumentException("--version, --from, --to, --sample: only with --model; one decision by seq or request id takes none of them.");
        }

        if (Sample is < 1)
        {
            throw new ArgumentException($"--sample: {Sample} is below 1; pass how many decisions to replay.");
        }

        if (From is { } from && To is { } to && from >= to)
        {
            throw new ArgumentException($"--from: {from:O} is not before --to {to:O}.");
        }
    }

    /// <summary>The selection as replay-event parameters.</summary>
    internal void AddParameters(IDictionary<string, string> parameters)
    {
        if (Seq is { } seq)
        {
            parameters["seq"] = seq.ToString(CultureInfo.InvariantCulture);
        }

        if (RequestId is { } requestId)
        {
            parameters["requestId"] = requestId;
        }

        if (Model is { } model)
        {
            parameters["model"] = model;
            if (Version is { } version)
            {
                parameters["version"] = version;
            }

            if (From is { } from)
            {
                parameters["from"] = from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            }

            if (To is { } to)
            {
                parameters["to"] = to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            }

            if (Sample is { } sample)
            {
                parameters["sample"] = sample.ToString(CultureInfo.InvariantCulture);
                parameters["seed"] = Seed.ToString(CultureInfo.InvariantCulture);
            }
        }
    }
}
