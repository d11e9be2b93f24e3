using System.CommandLine;
using DecisionLedger.Replay;
using DecisionLedger.Replay.MLNet;
using DecisionLedger.Server;

namespace DecisionLedger.Cli.Commands;

/// <summary>The options of <c>dledger serve</c> for <c>POST /v1/replays</c>: the artifact store and the endpoints replays may call.</summary>
internal sealed class ReplayServeOptions
{
    private readonly Option<string?> _artifacts = new("--replay-artifacts")
    {
        Description = "A directory or s3://bucket/prefix of model files named by their SHA-256 (HEX or HEX.zip) for POST /v1/replays with \"artifacts\":true; ML.NET models load in process, S3 objects checked against the digest on download.",
        HelpName = "DIR|S3URI",
    };

    private readonly Option<string[]> _endpoints = new("--replay-endpoint")
    {
        Description = "A URL prefix POST /v1/replays may send stored inputs to (repeatable). Default: none, so endpoint replays are refused.",
        HelpName = "URL",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_artifacts);
        command.Options.Add(_endpoints);
    }

    /// <summary>Sets the collector's replay options from the command line.</summary>
    /// <exception cref="CliException">The artifact directory does not exist or the S3 location is malformed, or an endpoint prefix is not an http(s) URL.</exception>
    public void Configure(ParseResult parsed, CollectorOptions options)
    {
        foreach (string prefix in parsed.GetValue(_endpoints) ?? [])
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException(ExitCodes.BadInput, $"--replay-endpoint: '{prefix}' is not an absolute http:// or https:// URL.");
            }

            options.ReplayEndpoints.Add(url.ToString());
        }

        if (parsed.GetValue(_artifacts) is { } directory)
        {
            options.ReplayArtifacts = new ArtifactReplayScorer(ArtifactStoreLocation.Open(directory, "--replay-artifacts"), new MLNetModelLoader());
        }
    }
}
