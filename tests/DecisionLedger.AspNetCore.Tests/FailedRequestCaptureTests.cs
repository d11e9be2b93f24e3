using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>Failed requests are decisions too: bodies model binding refuses and throwing subject selectors are recorded as failures.</summary>
/// <remarks>Not run beside <see cref="DecisionCaptureTests"/>, whose process-wide meter listener would count these decisions.</remarks>
[Collection(FailedRequestCaptureTests.Serial)]
public sealed class FailedRequestCaptureTests
{
    /// <summary>The collection of tests that run alone.</summary>
    public const string Serial = "failed-request-capture";

    private static readonly Func<HttpContext, object?, string?> s_customerId = static (_, input) =>
        input is JsonElement { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("customerId", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static Task<LedgerApp> StartAsync(Func<HttpContext, object?, string?>? selector = null) =>
        LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.07, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.SubjectSelector = selector ?? s_customerId));

    [Fact]
    public async Task MalformedJsonBody_Answered400_RecordedAsFailureWithRedactedBody()
    {
        await using LedgerApp app = await StartAsync();
        using var body = new StringContent("{\"customerId\":\"c-1\",\"contact\":\"jane.doe@example.com\",\"amount\":", Encoding.UTF8, "application/json");

        using HttpResponseMessage response = await app.Client.PostAsync("/predict", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(400, entry.Output.GetProperty("status").GetInt32());
        Assert.StartsWith("the request body is not valid JSON", entry.Output.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, entry.Metadata.GetProperty("status").GetInt32());

        // The body as received, kept as text, under the ledger's redaction like any input.
        string stored = entry.Input.GetProperty("body").GetString()!;
        Assert.Contains("\"customerId\":\"c-1\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe@example.com", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe@example.com", entry.Entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongTypedBody_Answered400_RecordedAsFailureWithBodyAndSubject()
    {
        await using LedgerApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", new { customerId = "c-2", amount = "lots", merchant = "acme" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(400, entry.Output.GetProperty("status").GetInt32());
        Assert.Contains("could not be bound", entry.Output.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("lots", entry.Input.GetProperty("amount").GetString());
        Assert.Equal("c-2", entry.Entry.GetProperty("subject").GetProperty("id").GetString());
    }

    [Fact]
    public async Task SubjectSelectorThrows_Answered500_RecordedAsFailureWithoutSubject()
    {
        await using LedgerApp app = await StartAsync(static (_, input) => ((JsonElement)input!).GetProperty("accountId").GetString());

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", new FraudRequest("c-4", 12.5, "acme"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(500, entry.Output.GetProperty("status").GetInt32());
        Assert.Equal("SubjectSelector threw KeyNotFoundException", entry.Output.GetProperty("error").GetString());
        Assert.False(entry.Entry.TryGetProperty("subject", out _));
        Assert.Equal("acme", entry.Input.GetProperty("merchant").GetString());
    }

    [Fact]
    public async Task ValidBody_RecordedOnceAsSuccess()
    {
        await using LedgerApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", new FraudRequest("c-5", 12.5, "acme"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(0.07, entry.Output.GetProperty("score").GetDouble());
    }
}

/// <summary>Runs <see cref="FailedRequestCaptureTests"/> after the parallel tests, alone.</summary>
[CollectionDefinition(FailedRequestCaptureTests.Serial, DisableParallelization = true)]
public sealed class FailedRequestCaptureCollection;
