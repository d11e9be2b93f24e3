namespace FraudDetection.Api;

/// <summary>The body of <c>POST /predict</c>: one card transaction. Every field is required.</summary>
/// <param name="CustomerId">The cardholder; recorded as the decision's subject (the erasure key).</param>
/// <param name="Amount">Amount, ≥ 0.</param>
/// <param name="MerchantCategory">One of the model's merchant categories.</param>
/// <param name="Hour">Hour of day, 0–23.</param>
/// <param name="DistanceFromHomeKm">Distance from the cardholder's home in km, ≥ 0.</param>
/// <param name="CardPresent">Whether the card was physically present.</param>
/// <param name="TransactionsLastHour">The card's transactions in the previous hour, ≥ 0.</param>
internal sealed record TransactionRequest(
    string? CustomerId,
    double? Amount,
    string? MerchantCategory,
    int? Hour,
    double? DistanceFromHomeKm,
    bool? CardPresent,
    int? TransactionsLastHour);
