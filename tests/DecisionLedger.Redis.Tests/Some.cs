using System.Globalization;
using System.Text;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redis.Tests;

internal static class Some
{
    public static string DecisionJson(int i, string? requestId = null, string email = "jane.doe@example.com") =>
        "{" + (requestId is null ? string.Empty : "\"requestId\":\"" + requestId + "\",") +
        "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":{\"amount\":" + i.ToString(CultureInfo.InvariantCulture) +
        ".5,\"contact\":\"" + email + "\"},\"output\":{\"label\":\"legit\",\"score\":0.12},\"subject\":{\"id\":\"customer-" + i.ToString("D4", CultureInfo.InvariantCulture) + "\"}}";

    public static Decision Decision(int i, string? requestId = null) => DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(DecisionJson(i, requestId)));
}
