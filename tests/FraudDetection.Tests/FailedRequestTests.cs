using System.Net;
using System.Text;

namespace FraudDetection.Tests;

/// <summary>In the sample, requests the API refuses are recorded too: a malformed or wrong-typed body is a failed decision.</summary>
public sealed class FailedRequestTests
{
    [Fact]
    public async Task Predict_MalformedAndWrongTypedBodies_Answered400_AndBothRecordedAsFailures()
    {
        await using SampleApp sample = await SampleApp.StartAsync();
        string[] bodies =
        [
            "{\"customerId\":\"customer-9\",\"amount\":",
            "{\"customerId\":\"customer-9\",\"amount\":\"a lot\"}",
        ];
        foreach (string body in bodies)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await sample.Client.PostAsync("/predict", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var entries = await sample.StopAndReadAsync();

        Assert.Equal(2, entries.Count);
        Assert.All(entries, static e => Assert.Equal(400, e.Entry.GetProperty("output").GetProperty("status").GetInt32()));
        Assert.StartsWith("the request body is not valid JSON", entries[0].Entry.GetProperty("output").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("could not be bound", entries[1].Entry.GetProperty("output").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("customer-9", entries[1].Entry.GetProperty("subject").GetProperty("id").GetString());
        Assert.Equal("a lot", entries[1].Input.GetProperty("amount").GetString());
    }
}
