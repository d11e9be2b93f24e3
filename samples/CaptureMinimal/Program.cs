using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Decisions;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// Line 1: the ledger (opened at start, drained with a final checkpoint at shutdown).
builder.Services.AddDecisionLedger(o => o.Origin = "capture.example/fraud")
    .UseSqlite(builder.Configuration["Ledger"] ?? "./capture-ledger")
    .AddEndpointCapture();

WebApplication app = builder.Build();

// Line 2: .RecordDecisions(...) — the prediction code below does not change.
app.MapPost("/predict", (FraudRequest request, IDecisionContext decision) =>
{
    double score = request.Amount > 1_000 ? 0.91 : 0.07;
    decision.Explanation = new Explanation
    {
        Method = "feature-contribution",
        BaseValue = 0.05,
        Attributions = new Dictionary<string, double> { ["amount"] = score - 0.05 },
    };
    return Results.Ok(new FraudScore(score, score < 0.5));
}).RecordDecisions("fraud_detector", "3.2.1", o =>
{
    o.UserHeader = "X-User";
    o.SubjectSelector = (_, input) => ((System.Text.Json.JsonElement)input!).GetProperty("customerId").GetString();
});

app.Run();

/// <summary>The prediction's input.</summary>
internal sealed record FraudRequest(string CustomerId, double Amount, string Merchant);

/// <summary>The prediction's output.</summary>
internal sealed record FraudScore(double Score, bool Approved);
