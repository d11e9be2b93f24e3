using System.Globalization;

namespace DecisionLedger.Cli.Tests;

/// <summary>Test decisions as NDJSON lines.</summary>
internal static class Some
{
    public static string DecisionLine(int i) => "{\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},\"input\":{\"amount\":" + i.ToString(CultureInfo.InvariantCulture) + ".5,\"country\":\"DE\"},\"output\":{\"label\":\"legit\",\"score\":0.12},\"actor\":{\"userId\":\"analyst_jane\",\"tenant\":\"emea\"},\"subject\":{\"id\":\"customer-" + i.ToString("D4", CultureInfo.InvariantCulture) + "\"},\"explanation\":{\"method\":\"feature-contribution\",\"baseValue\":0.1,\"attributions\":{\"amount\":0.02}}}";

    public static string Lines(int count) => string.Join('\n', Enumerable.Range(0, count).Select(DecisionLine)) + "\n";
}
