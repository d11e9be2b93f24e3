using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Recording;

namespace DecisionLedger.Tests.Testing;

/// <summary>The service under test in docs/testing.md: it scores a payment and records the decision.</summary>
public sealed class FraudScorer(IDecisionRecorder recorder)
{
    public async Task<double> ScoreAsync(string customerId, decimal amount, CancellationToken cancellationToken = default)
    {
        double score = amount > 1_000m ? 0.91 : 0.12;
        var decision = new Decision
        {
            Model = new ModelInfo { Name = "fraud_detector", Version = "3.2.1" },
            Input = JsonSerializer.SerializeToElement(new { amount }),
            Output = JsonSerializer.SerializeToElement(new { score, label = score > 0.5 ? "fraud" : "legit" }),
            Subject = new DecisionSubject { Id = customerId },
        };

        await recorder.RecordAsync(decision, cancellationToken);
        return score;
    }
}
