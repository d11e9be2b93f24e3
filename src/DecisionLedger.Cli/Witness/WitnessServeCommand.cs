using System.CommandLine;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Witnessing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// <c>witness serve --urls URL --logs FILE --state FILE.db --key KEYFILE</c>: serves
/// <c>POST /add-checkpoint</c> and <c>GET /&lt;sha256(origin)&gt;/checkpoint</c> until Ctrl-C or SIGTERM.
/// </summary>
internal sealed class WitnessServeCommand(CommandContext context)
{
    // A request is an old-size line, at most 63 proof lines and a checkpoint note with a few
    // signatures: a few KiB. The cap keeps an anonymous endpoint from buffering large bodies.
    private const int MaxRequestBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Option<string[]> _urls = new("--urls")
    {
        Description = "Where to listen, e.g. http://127.0.0.1:7380 (port 0 picks a free port; ';' separates several).",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _logs = new("--logs")
    {
        Description = "The logs to witness: one line 'log <verifier key>' per ledger (the key 'dledger key' prints).",
        Required = true,
    };

    private readonly Option<string> _state = new("--state")
    {
        Description = "The witness's SQLite file, holding the latest cosigned checkpoint per log (created if missing).",
        Required = true,
    };

    private readonly Option<string> _key = WitnessCommand.KeyOption();

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("serve", "Serve the tlog-witness HTTP API: POST /add-checkpoint answers with a cosignature/v1 line.") { _urls, _logs, _state, _key };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string[] urls = [.. parsed.GetRequiredValue(_urls).SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        string logsPath = parsed.GetRequiredValue(_logs);
        string logsText;
        try
        {
            logsText = await File.ReadAllTextAsync(logsPath, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.BadInput, $"--logs: {logsPath} does not exist.", e);
        }

        IReadOnlyList<NoteVerifier> logs = WitnessLogList.Parse(logsText, logsPath);
        WitnessSigner signer = await WitnessKeyFile.ReadAsync(parsed.GetRequiredValue(_key), cancellationToken);
        SqliteWitnessStateStore state = await SqliteWitnessStateStore.OpenAsync(parsed.GetRequiredValue(_state), cancellationToken);
        var witness = new CheckpointWitness(signer, logs, state, TimeProvider.System);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBytes);
        await using WebApplication app = builder.Build();
        app.MapPost("/add-checkpoint", (HttpContext http) => AddCheckpointAsync(http, witness));
        app.MapGet("/{originHash}/checkpoint", async (HttpContext http, string originHash) =>
            await WriteAsync(http, await witness.GetCheckpointAsync(originHash, http.RequestAborted)));

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException exception) when (exception.InnerException is AddressInUseException)
        {
            throw new CliException(ExitCodes.BadInput, $"--urls: {string.Join(", ", urls)} is already in use by another process; pass a free address.");
        }

        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? urls;
        await context.Environment.Error.WriteLineAsync(
            $"witness {signer.VerifierKey} listening on {string.Join(", ", addresses)} for {logs.Count} log(s); Ctrl-C to stop.");
        await context.Environment.Error.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return ExitCodes.Ok;
    }

    private async Task AddCheckpointAsync(HttpContext http, CheckpointWitness witness)
    {
        WitnessResponse response;
        using var buffer = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            response = await witness.AddCheckpointAsync(StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), http.RequestAborted);
        }
        catch (DecoderFallbackException)
        {
            response = new WitnessResponse(StatusCodes.Status400BadRequest, "The add-checkpoint request is not valid UTF-8.\n", "text/plain; charset=utf-8");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            response = new WitnessResponse(StatusCodes.Status413PayloadTooLarge, $"An add-checkpoint request is at most {MaxRequestBytes} bytes.\n", "text/plain; charset=utf-8");
        }

        if (response.StatusCode is StatusCodes.Status409Conflict or StatusCodes.Status422UnprocessableEntity)
        {
            // A refused checkpoint signed by a known log may be evidence of a split view: keep it in the operator's log.
            string reason = response.StatusCode == StatusCodes.Status409Conflict ? $"old size conflict, witness at {response.Body.Trim()}" : response.Body.Trim();
            await context.Environment.Error.WriteLineAsync($"witness: refused add-checkpoint with {response.StatusCode}: {reason}");
        }

        await WriteAsync(http, response);
    }

    private static Task WriteAsync(HttpContext http, WitnessResponse response)
    {
        http.Response.StatusCode = response.StatusCode;
        http.Response.ContentType = response.ContentType;
        return http.Response.WriteAsync(response.Body, http.RequestAborted);
    }
}
