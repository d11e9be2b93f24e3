using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FraudDetection.Tests;

public sealed class SerilogPredictEndpointTests
{
    [Fact]
    public async Task PredictSerilog_WithLogFile_ScoresLikePredictLogsTheDecisionAndRecordsNothing()
    {
        string log = Path.Combine(Path.GetTempPath(), "dledger-serilog-" + Path.GetRandomFileName(), "decisions.clef");
        await using SampleApp sample = await SampleApp.StartAsync("--SerilogDecisionLog", log);

        HttpResponseMessage logged = await sample.Client.PostAsJsonAsync("/predict-serilog", Transactions.Risky());
        HttpResponseMessage uncaptured = await sample.Client.PostAsJsonAsync("/predict-uncaptured", Transactions.Risky());

        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        Assert.Equal(await uncaptured.Content.ReadAsStringAsync(), await logged.Content.ReadAsStringAsync());
        Assert.Empty(await sample.StopAndReadAsync());
        string line = Assert.Single(await File.ReadAllLinesAsync(log));
        JsonElement decision = JsonDocument.Parse(line).RootElement.GetProperty("Decision");
        Assert.Equal("fraud_detector", decision.GetProperty("Model").GetProperty("Name").GetString());
        Assert.Equal("customer-1842", decision.GetProperty("Subject").GetProperty("Id").GetString());
        Assert.True(decision.GetProperty("Explanation").GetProperty("Attributions").EnumerateObject().Any());
        Directory.Delete(Path.GetDirectoryName(log)!, recursive: true);
    }

    [Fact]
    public async Task PredictSerilog_WithoutLogFile_IsNotMapped()
    {
        await using SampleApp sample = await SampleApp.StartAsync();

        HttpResponseMessage response = await sample.Client.PostAsJsonAsync("/predict-serilog", Transactions.Risky());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
