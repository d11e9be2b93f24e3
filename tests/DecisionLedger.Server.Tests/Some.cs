using System.Globalization;

namespace DecisionLedger.Server.Tests;

/// <summary>Test decisions as JSON lines.</summary>
internal static class Some
{
    public static string Decision(int i, string? requestId = null) =>
        "{" + (requestId is null ? string.Empty : "\"requestId\":\"" + requestId + "\",")
        + "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":{\"amount\":" + i.ToString(CultureInfo.InvariantCulture)
        + ".5,\"country\":\"DE\"},\"output\":{\"label\":\"legit\",\"score\":0.12},\"actor\":{\"userId\":\"analyst_jane\",\"tenant\":\"emea\"},\"subject\":{\"id\":\"customer-"
        + i.ToString("D4", CultureInfo.InvariantCulture) + "\"}}";

    /// <summary>A decision missing its required model version.</summary>
    public const string BadDecision = "{\"model\":{\"name\":\"fraud_detector\"},\"input\":{\"amount\":1},\"output\":{\"label\":\"legit\"}}";
}
