using Microsoft.ML.Data;

namespace FraudDetection.Training;

/// <summary>
/// One transaction as ML.NET sees it. Column names are the API's feature names, so the slot
/// names of the model's <c>Features</c> vector map straight back to them.
/// </summary>
internal sealed class TransactionRow
{
    /// <summary>The amount, in the card's currency.</summary>
    [ColumnName(FraudFeatures.Amount)]
    public float Amount { get; set; }

    /// <summary>The merchant category, one of <see cref="FraudFeatures.MerchantCategories"/>.</summary>
    [ColumnName(FraudFeatures.MerchantCategory)]
    public string MerchantCategory { get; set; } = "";

    /// <summary>Hour of day, 0–23, in the cardholder's time zone.</summary>
    [ColumnName(FraudFeatures.Hour)]
    public float Hour { get; set; }

    /// <summary>Distance between the merchant and the cardholder's home, km.</summary>
    [ColumnName(FraudFeatures.DistanceFromHomeKm)]
    public float DistanceFromHomeKm { get; set; }

    /// <summary>1 when the card was physically present, else 0.</summary>
    [ColumnName(FraudFeatures.CardPresent)]
    public float CardPresent { get; set; }

    /// <summary>Velocity: the card's transactions in the hour before this one.</summary>
    [ColumnName(FraudFeatures.TransactionsLastHour)]
    public float TransactionsLastHour { get; set; }

    /// <summary>True for fraud; only read when training.</summary>
    [ColumnName("Label")]
    public bool IsFraud { get; set; }
}
