using System.Globalization;
using System.Text.Json;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Replay;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// <c>POST /v1/replays</c> (permission Audit): runs the replay engine on the collector's ledger
/// against the artifact store the collector was started with, or an allowed HTTP endpoint named in
/// the request, records the run as a <c>replay</c> event and answers the report
/// (the JSON of <c>dledger replay --json</c>).
/// </summary>
internal static class ReplayEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    // One client for every endpoint replay: sockets are pooled, and a hung model cannot hold a request forever.
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/replays", ReplayAsync).RequirePermission(ApiPermission.Audit)
            .WithSummary("Replay recorded decisions and compare each new output with the recorded one (the JSON of 'dledger replay --json'); the run is recorded as a replay event")
            .WithDescription("Body: {\"seq\":N} | {\"requestId\":\"…\"} | {\"model\":\"M\",\"version\":\"V\",\"from\":\"…\",\"to\":\"…\",\"sample\":K,\"seed\":S}, plus \"endpoint\":\"URL\" (one of the collector's --replay-endpoint prefixes) or \"artifacts\":true (the collector's --replay-artifacts directory or S3 prefix), and optionally \"map\":{\"output.fraud\":\"$.PredictedLabel\"} and \"tolerances\":{\"output.score\":1e-9,\"*\":1e-6}.")
            .WithTags("Auditing")
            .Accepts<JsonElement>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReplayAsync(HttpContext context, CollectorLedger ledger, CollectorOptions options)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        if (ledger.Recorder is not DecisionRecorder recorder)
        {
            return Problems.Unavailable("recorder: this collector does not write the ledger itself (buffer mode, or stopping), so it cannot record a replay; run 'dledger replay' where the ledger is written.");
        }

        JsonDocument body;
        try
        {
            using var limited = new MemoryStream();
            await context.Request.Body.CopyToAsync(limited, cancellationToken).ConfigureAwait(false);
            if (limited.Length > MaxBodyBytes)
            {
                return Problems.BadRequest($"body: larger than {MaxBodyBytes} bytes; a replay request is a small JSON object.");
            }

            body = JsonDocument.Parse(limited.ToArray());
        }
        catch (JsonException exception)
        {
            return Problems.BadRequest($"body: not JSON ({exception.Message}); send a JSON object such as {{\"seq\":0,\"artifacts\":true}}.");
        }

        using (body)
        {
            ReplayReport report;
            try
            {
                ReplayRequest request = ReplayRequest.Read(body.RootElement);
                IReplayScorer scorer = request.Scorer(options, s_http);
                report = await new ReplayEngine(ledger.Store, scorer, request.Options).RunAsync(request.Selection, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException)
            {
                return Problems.BadRequest(exception.Message);
            }
            catch (ArtifactStoreUnavailableException exception)
            {
                // The artifact store (an S3 prefix) cannot be read: its message names the bucket, key and endpoint.
                return Problems.Unavailable(exception.Message);
            }

            RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForReplay(report.ToEvent(), ledger.Directory.Config.EntryFormat), cancellationToken).ConfigureAwait(false);
            report = report with { EventSeq = receipt.Seq };
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                ReplayReportJson.Write(writer, report);
            }

            return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
        }
    }

    /// <summary>The body of <c>POST /v1/replays</c>, read with every field checked.</summary>
    private sealed record ReplayRequest(ReplaySelection Selection, ReplayOptions Options, string? Endpoint, bool Artifacts)
    {
        private static readonly string[] s_members = ["seq", "requestId", "model", "version", "from", "to", "sample", "seed", "endpoint", "artifacts", "map", "tolerances"];

        public static ReplayRequest Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("body: must be a JSON object, e.g. {\"seq\":0,\"artifacts\":true}.");
            }

            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (Array.IndexOf(s_members, property.Name) < 0)
                {
                    throw new FormatException($"{property.Name}: unknown member; a replay request has {string.Join(", ", s_members)}.");
                }
            }

            var selection = new ReplaySelection
            {
                Seq = Integer(root, "seq"),
                RequestId = Text(root, "requestId"),
                Model = Text(root, "model"),
                Version = Text(root, "version"),
                From = Time(root, "from"),
                To = Time(root, "to"),
                Sample = (int?)Integer(root, "sample"),
                Seed = (int?)Integer(root, "seed") ?? 0,
            };
            selection.Validate();

            var tolerances = new List<string>();
            if (root.TryGetProperty("tolerances", out JsonElement t))
            {
                foreach (JsonProperty tolerance in Object(t, "tolerances").EnumerateObject())
                {
                    string number = tolerance.Value.ValueKind == JsonValueKind.Number
                        ? tolerance.Value.GetRawText()
                        : throw new FormatException($"tolerances.{tolerance.Name}: must be a number (0 or more).");
                    tolerances.Add(tolerance.Name == "*" ? number : tolerance.Name + "=" + number);
                }
            }

            var mappings = new List<OutputMapping>();
            if (root.TryGetProperty("map", out JsonElement m))
            {
                foreach (JsonProperty rule in Object(m, "map").EnumerateObject())
                {
                    mappings.Add(OutputMapping.Parse(rule.Name + "=" + (rule.Value.ValueKind == JsonValueKind.String ? rule.Value.GetString() : throw new FormatException($"map.{rule.Name}: must be a response path string such as \"$.probability\"."))));
                }
            }

            bool artifacts = root.TryGetProperty("artifacts", out JsonElement a) && (a.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? a.GetBoolean()
                : throw new FormatException("artifacts: must be true or false."));
            return new ReplayRequest(
                selection,
                new ReplayOptions { Tolerances = ReplayTolerances.Parse(tolerances), Mappings = mappings, MasterKey = Encryption.MasterKey.FromEnvironment() },
                Text(root, "endpoint"),
                artifacts);
        }

        public IReplayScorer Scorer(CollectorOptions options, HttpClient http)
        {
            if ((Endpoint is null) == !Artifacts)
            {
                throw new FormatException("endpoint, artifacts: pass exactly one; \"endpoint\":\"URL\" replays against an HTTP endpoint, \"artifacts\":true against the collector's artifact store.");
            }

            if (Artifacts)
            {
                return options.ReplayArtifacts
                    ?? throw new FormatException("artifacts: this collector has no artifact store; start it with 'dledger serve --replay-artifacts DIR|s3://bucket/prefix', or pass \"endpoint\".");
            }

            if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"endpoint: '{Endpoint}' is not an absolute http:// or https:// URL.");
            }

            // Stored inputs are personal data: the collector sends them only where its operator allowed.
            if (!options.ReplayEndpoints.Any(prefix => url.ToString().StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                throw new FormatException($"endpoint: '{Endpoint}' is not under an allowed replay endpoint ({(options.ReplayEndpoints.Count == 0 ? "none is allowed" : string.Join(", ", options.ReplayEndpoints))}); start the collector with 'dledger serve --replay-endpoint URL' to allow one.");
            }

            return new HttpEndpointScorer(http, url);
        }

        private static JsonElement Object(JsonElement value, string name) =>
            value.ValueKind == JsonValueKind.Object ? value : throw new FormatException($"{name}: must be an object.");

        private static string? Text(JsonElement root, string name) =>
            !root.TryGetProperty(name, out JsonElement value) ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw new FormatException($"{name}: must be a string.");

        private static long? Integer(JsonElement root, string name) =>
            !root.TryGetProperty(name, out JsonElement value) ? null
            : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number
            : throw new FormatException($"{name}: must be an integer.");

        private static DateTimeOffset? Time(JsonElement root, string name) =>
            Text(root, name) is not { } text ? null
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time) ? time
            : throw new FormatException($"{name}: '{text}' is not an RFC 3339 time, e.g. 2026-11-23T00:00:00Z.");
    }
}
