namespace FraudDetection.Training;

/// <summary>The model's feature names: the request's JSON properties and the model's input columns.</summary>
internal static class FraudFeatures
{
    /// <summary>Transaction amount.</summary>
    public const string Amount = "amount";

    /// <summary>Merchant category (one-hot encoded in the model).</summary>
    public const string MerchantCategory = "merchantCategory";

    /// <summary>Hour of day.</summary>
    public const string Hour = "hour";

    /// <summary>Distance from the cardholder's home, km.</summary>
    public const string DistanceFromHomeKm = "distanceFromHomeKm";

    /// <summary>Card present (1) or not (0).</summary>
    public const string CardPresent = "cardPresent";

    /// <summary>Transactions of the same card in the previous hour.</summary>
    public const string TransactionsLastHour = "transactionsLastHour";

    /// <summary>Every feature, in the order the model concatenates them.</summary>
    public static readonly IReadOnlyList<string> All =
        [Amount, MerchantCategory, Hour, DistanceFromHomeKm, CardPresent, TransactionsLastHour];

    /// <summary>The merchant categories the model knows; any other is rejected at the API.</summary>
    public static readonly IReadOnlyList<string> MerchantCategories =
        ["grocery", "fuel", "restaurant", "pharmacy", "travel", "electronics", "jewelry", "online_gaming"];
}
