namespace FraudDetection.Tests;

/// <summary>Request bodies for <c>POST /predict</c>.</summary>
internal static class Transactions
{
    public static object Risky(string customerId = "customer-1842") => new
    {
        customerId,
        amount = 1850.0,
        merchantCategory = "electronics",
        hour = 3,
        distanceFromHomeKm = 420.0,
        cardPresent = false,
        transactionsLastHour = 7,
    };

    public static object Ordinary(string customerId = "customer-7") => new
    {
        customerId,
        amount = 23.5,
        merchantCategory = "grocery",
        hour = 18,
        distanceFromHomeKm = 2.1,
        cardPresent = true,
        transactionsLastHour = 0,
    };
}
