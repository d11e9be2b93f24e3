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
}
