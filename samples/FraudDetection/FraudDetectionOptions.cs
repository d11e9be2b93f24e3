using DecisionLedger.AspNetCore.Capture;

namespace FraudDetection;

/// <summary>The sample's settings, from configuration (command line: <c>--Ledger ./fraud-ledger --TrainingRows 2000</c>).</summary>
internal sealed class FraudDetectionOptions
{
    /// <summary>The ledger directory (created on first start). Default <c>./fraud-ledger</c>.</summary>
    public string Ledger { get; set; } = "./fraud-ledger";

    /// <summary>Where the trained model .zip is written. Default <c>./fraud-model/fraud_detector.zip</c>.</summary>
    public string ModelPath { get; set; } = "./fraud-model/fraud_detector.zip";

    /// <summary>Generated rows to train and test on. Default 20,000 (a few seconds); tests use 2,000.</summary>
    public int TrainingRows { get; set; } = 20_000;

    /// <summary>Seed of the generated dataset and of ML.NET. Default 20261123.</summary>
    public int Seed { get; set; } = 20261123;

    /// <summary>The model version recorded with every decision. Default <c>1.0.0</c>.</summary>
    public string ModelVersion { get; set; } = "1.0.0";

    /// <summary>What <c>/predict</c> does when the ledger cannot record. Default <see cref="LedgerFailureMode.FailClosed"/>.</summary>
    public LedgerFailureMode OnLedgerFailure { get; set; } = LedgerFailureMode.FailClosed;

    /// <summary>What a <c>/predict</c> response waits for: the decision queued, or durable. Default <see cref="CaptureDurability.Enqueued"/>.</summary>
    public CaptureDurability CaptureDurability { get; set; } = CaptureDurability.Enqueued;

    /// <summary>
    /// A file to log decisions to with Serilog (async wrapper, buffered file sink, compact JSON):
    /// when set, <c>POST /predict-serilog</c> is mapped, the same predictor logging the same decision
    /// the way a team without a ledger would (the peer of bench/wrk/compare-capture.sh). Default null: not mapped.
    /// </summary>
    public string? SerilogDecisionLog { get; set; }

    /// <summary>
    /// Checks the enum settings as text before binding, so a typo names the setting and its values
    /// (the binder's own error only names the type).
    /// </summary>
    /// <param name="configuration">The app's configuration.</param>
    /// <exception cref="ArgumentException">A setting is not one of its values.</exception>
    public static void CheckChoices(IConfiguration configuration)
    {
        CheckChoice<LedgerFailureMode>(configuration, nameof(OnLedgerFailure));
        CheckChoice<CaptureDurability>(configuration, nameof(CaptureDurability));
    }

    private static void CheckChoice<TEnum>(IConfiguration configuration, string key)
        where TEnum : struct, Enum
    {
        string? value = configuration[key];
        if (value is not null && (!Enum.TryParse(value, ignoreCase: true, out TEnum parsed) || !Enum.IsDefined(parsed) || char.IsAsciiDigit(value.TrimStart('-')[0])))
        {
            throw new ArgumentException($"{key}: '{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}; pass --{key} {Enum.GetNames<TEnum>()[0]}.", key);
        }
    }

    /// <summary>Checks the settings before anything is trained.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and the fix.</exception>
    public void Validate()
    {
        if (TrainingRows < 100)
        {
            throw new ArgumentException($"TrainingRows: {TrainingRows} is too few to train on; pass --TrainingRows 100 or more (default 20000).", nameof(TrainingRows));
        }

        if (string.IsNullOrWhiteSpace(Ledger))
        {
            throw new ArgumentException("Ledger: required; pass --Ledger path/to/ledger-directory.", nameof(Ledger));
        }

        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException("ModelPath: required; pass --ModelPath path/to/model.zip.", nameof(ModelPath));
        }

        if (string.IsNullOrWhiteSpace(ModelVersion))
        {
            throw new ArgumentException("ModelVersion: required; pass --ModelVersion 1.0.0 (or leave it out for the default).", nameof(ModelVersion));
        }
    }
}
