namespace DecisionLedger.Replay;

/// <summary>
/// One rule of the output mapping: the recorded output at <see cref="OutputPath"/> is compared with
/// the replayed response at <see cref="ResponsePath"/>. Written <c>output.score=$.probability</c>.
/// </summary>
/// <param name="OutputPath">Where in the recorded output: <c>output</c> or <c>output.member…</c>.</param>
/// <param name="ResponsePath">Where in the response: <c>$</c> or <c>$.member…</c> / <c>$.list[0]…</c>.</param>
public sealed record OutputMapping(string OutputPath, string ResponsePath)
{
    /// <summary>Parses <c>output.PATH=$.PATH</c>.</summary>
    /// <param name="text">The rule as written on the command line.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="FormatException">The rule is malformed; the message names <c>--map</c> and the problem.</exception>
    public static OutputMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new FormatException($"--map: '{text}' is not OUTPUT_PATH=RESPONSE_PATH, e.g. output.score=$.probability.");
        }

        string output = text[..equals].Trim();
        string response = text[(equals + 1)..].Trim();
        if (response.Length > 0 && response[0] != '$')
        {
            response = "$." + response;
        }

        try
        {
            JsonPathText.Parse(output, "output");
            JsonPathText.Parse(response, "$");
        }
        catch (FormatException exception)
        {
            throw new FormatException($"--map: '{text}': {exception.Message} Write output.PATH=$.PATH, e.g. output.score=$.probability.", exception);
        }

        return new OutputMapping(output, response);
    }

    /// <inheritdoc />
    public override string ToString() => OutputPath + "=" + ResponsePath;
}
