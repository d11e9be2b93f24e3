using System.Net;
using System.Net.Http.Json;
using DecisionLedger.PostgreSql;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary><c>AddDecisionLedger().UsePostgreSql(…)</c> against a real PostgreSQL and a real Kestrel on loopback.</summary>
public sealed class UsePostgreSqlTests : IAsyncLifetime
{
    private const string Variable = "DLEDGER_TEST_POSTGRES";
    private const string DatabaseName = "dledger_aspnet_tests";
    private readonly string _schema = "aspnet_" + Guid.NewGuid().ToString("N")[..20];
    private readonly string _ledgerPath = Path.Combine(Path.GetTempPath(), "dledger-aspnet-pg-" + Path.GetRandomFileName());

    private static string Owner => new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh."))
    { Database = DatabaseName, PersistSecurityInfo = true }.ConnectionString;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException exception) when (exception.SqlState is "42P04" or "23505")
        {
            // It exists already, or another test created it at the same moment.
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Directory.Exists(_ledgerPath))
        {
            Directory.Delete(_ledgerPath, recursive: true);
        }

        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task UsePostgreSql_RecordsCapturedDecisionsInPostgreSqlAndKeysInTheDirectory()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel();
        builder.Services.AddDecisionLedger(o => o.Origin = "test.example/pg")
            .UsePostgreSql(_ledgerPath, Owner, pg =>
            {
                pg.Schema = _schema;
                pg.MigrateOnOpen = true;
            })
            .AddEndpointCapture();
        await using (WebApplication app = builder.Build())
        {
            app.Urls.Add("http://127.0.0.1:0");
            app.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.87, false))).RecordDecisions("fraud_detector", "3.2.1");
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new FraudRequest("customer-1842", 120.5, "acme"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await app.StopAsync();
        }

        Assert.True(File.Exists(Path.Combine(_ledgerPath, "signing.key")));
        Assert.False(File.Exists(Path.Combine(_ledgerPath, "ledger.db")));
        await using var store = new PostgreSqlLedgerStore(Owner, new PostgreSqlLedgerStoreOptions { Schema = _schema });
        LedgerHead head = await store.OpenAsync();
        Assert.True(head.Size >= 1);
        Assert.NotNull(head.LatestCheckpoint);
        List<StoredEntry> decisions = [];
        await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { ModelName = "fraud_detector" }))
        {
            decisions.Add(entry);
        }

        Assert.Single(decisions);
    }
}

/// <summary>A fact that needs DLEDGER_TEST_POSTGRES: skipped with the reason when it is unset, unless CI requires services.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when no PostgreSQL is configured and services are not required.</summary>
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES") is not { Length: > 0 } && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = "DLEDGER_TEST_POSTGRES is not set: source .ci/services.sh to run the PostgreSQL tests.";
        }
    }
}
