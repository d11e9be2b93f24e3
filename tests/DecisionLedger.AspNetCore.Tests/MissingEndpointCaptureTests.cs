using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>
/// <c>AddDecisionLedger</c> lives in a package without ASP.NET Core, so an app must also call
/// <c>AddEndpointCapture()</c>. One that forgets is told exactly that, not a bare null reference.
/// </summary>
public sealed class MissingEndpointCaptureTests
{
    [Fact]
    public async Task RecordDecisions_WithoutAddEndpointCapture_FailsNamingTheMissingCall()
    {
        string ledgerPath = Path.Combine(Path.GetTempPath(), "dledger-aspnet-" + Path.GetRandomFileName());
        try
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel();
            builder.Services.AddDecisionLedger(o => o.Origin = "test.example/capture").UseSqlite(ledgerPath);
            await using WebApplication app = builder.Build();
            app.Urls.Add("http://127.0.0.1:0");
            app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (InvalidOperationException e)
                {
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await context.Response.WriteAsync(e.Message);
                }
            });
            app.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.1, true))).RecordDecisions("fraud_detector", "3.2.1");
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new FraudRequest("customer-1", 12, "acme"));

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains(".AddEndpointCapture()", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await app.StopAsync();
        }
        finally
        {
            if (Directory.Exists(ledgerPath))
            {
                Directory.Delete(ledgerPath, recursive: true);
            }
        }
    }
}
