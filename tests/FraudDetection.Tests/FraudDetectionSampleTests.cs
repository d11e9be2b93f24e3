using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FraudDetection.Tests;

public sealed class FraudDetectionSampleTests
{
    [Fact]
    public async Task Predict_RecordsEveryDecision_WithModelFeatureContributionsAndTheModelFileDigest()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        var responses = new List<JsonElement>();
        foreach (object body in new[] { Transactions.Risky("customer-1"), Transactions.Ordinary("customer-2"), Transactions.Risky("customer-3") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = JsonContent.Create(body) };
            request.Headers.Add("X-User", "analyst_jane");
            HttpResponseMessage response = await sample.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            responses.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var entries = await sample.StopAndReadAsync();

        string expectedDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(sample.ModelPath)));
        string[] modelFeatures = FeaturesOfSavedModel(sample.ModelPath);
        Assert.Equal(3, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            JsonElement entry = entries[i].Entry;
            JsonElement model = entry.GetProperty("model");
            Assert.Equal("fraud_detector", model.GetProperty("name").GetString());
            Assert.Equal("1.0.0", model.GetProperty("version").GetString());
            Assert.Equal(expectedDigest, model.GetProperty("artifactDigest").GetString());
            Assert.Equal("fraud-features-1", model.GetProperty("pipelineVersion").GetString());
            Assert.Equal($"customer-{i + 1}", entry.GetProperty("subject").GetProperty("id").GetString());
            Assert.Equal("analyst_jane", entry.GetProperty("actor").GetProperty("userId").GetString());
            Assert.Equal(responses[i].GetProperty("probability").GetDouble(), entry.GetProperty("output").GetProperty("probability").GetDouble());
            Assert.Equal($"customer-{i + 1}", entries[i].Input.GetProperty("customerId").GetString());

            JsonElement explanation = entry.GetProperty("explanation");
            Assert.Equal("feature-contribution", explanation.GetProperty("method").GetString());
            Dictionary<string, double> attributions = explanation.GetProperty("attributions").EnumerateObject()
                .ToDictionary(static p => p.Name, static p => p.Value.GetDouble());
            Assert.Equal(modelFeatures.Order(), attributions.Keys.Order());
            Assert.Contains(attributions.Values, static v => v != 0);
        }

        Assert.True(responses[0].GetProperty("probability").GetDouble() > responses[1].GetProperty("probability").GetDouble(),
            "the risky transaction should score above the ordinary one");
    }

    [Fact]
    public async Task PredictUncaptured_ScoresLikePredict_AndRecordsNothing()
    {
        await using SampleApp sample = await SampleApp.StartAsync();

        HttpResponseMessage uncaptured = await sample.Client.PostAsJsonAsync("/predict-uncaptured", Transactions.Risky());
        HttpResponseMessage captured = await sample.Client.PostAsJsonAsync("/predict", Transactions.Risky());

        Assert.Equal(HttpStatusCode.OK, uncaptured.StatusCode);
        Assert.Equal(await captured.Content.ReadAsStringAsync(), await uncaptured.Content.ReadAsStringAsync());
        var entries = await sample.StopAndReadAsync();
        JsonElement only = Assert.Single(entries).Entry;
        Assert.Equal("/predict", only.GetProperty("metadata").GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task Predict_InvalidTransaction_Returns400NamingEachField_AndRecordsTheFailure()
    {
        await using SampleApp sample = await SampleApp.StartAsync();

        HttpResponseMessage response = await sample.Client.PostAsJsonAsync("/predict", new
        {
            customerId = "customer-9",
            amount = -3.0,
            merchantCategory = "casino",
            hour = 25,
            cardPresent = true,
            transactionsLastHour = 0,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["amount", "distanceFromHomeKm", "hour", "merchantCategory"], errors.EnumerateObject().Select(static p => p.Name).Order());
        Assert.Contains("casino", errors.GetProperty("merchantCategory")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("required", errors.GetProperty("distanceFromHomeKm")[0].GetString(), StringComparison.Ordinal);

        JsonElement entry = Assert.Single(await sample.StopAndReadAsync()).Entry;
        Assert.Equal(400, entry.GetProperty("output").GetProperty("status").GetInt32());
        Assert.False(entry.TryGetProperty("explanation", out _), "a rejected transaction has no explanation");
    }

    [Fact]
    public async Task Predict_EmptyJsonBody_Returns400NamingEveryRequiredField()
    {
        await using SampleApp sample = await SampleApp.StartAsync();

        HttpResponseMessage response = await sample.Client.PostAsJsonAsync("/predict", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["amount", "cardPresent", "customerId", "distanceFromHomeKm", "hour", "merchantCategory", "transactionsLastHour"],
            errors.EnumerateObject().Select(static p => p.Name).Order());
    }

    [Theory]
    [InlineData("--TrainingRows", "50", "TrainingRows: 50 is too few")]
    [InlineData("--ModelVersion", " ", "ModelVersion: required")]
    [InlineData("--CaptureDurability", "Eventually", "CaptureDurability: 'Eventually' is not one of Enqueued, Committed")]
    [InlineData("--OnLedgerFailure", "7", "OnLedgerFailure: '7' is not one of FailClosed, ProceedAndAlarm")]
    public void Build_InvalidSetting_ThrowsNamingTheSetting_BeforeTraining(string option, string value, string expected)
    {
        string modelPath = Path.Combine(Path.GetTempPath(), "dledger-fraud-" + Path.GetRandomFileName(), "model.zip");

        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            FraudDetectionApp.Build(["--ModelPath", modelPath, "--Ledger", Path.GetTempPath(), option, value]));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(modelPath), "nothing is trained when a setting is invalid");
    }

    /// <summary>The feature names of a saved model, read from its Features slot names (one-hot slots folded into their column).</summary>
    private static string[] FeaturesOfSavedModel(string path)
    {
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(path, out DataViewSchema input);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        model.GetOutputSchema(input)["Features"].GetSlotNames(ref slots);
        return [.. slots.DenseValues().Select(static s => s.ToString().Split('.')[0]).Distinct()];
    }
}
