namespace DecisionLedger.Cli.Tests;

/// <summary>NDJSON bodies for the bounds tests of a real <c>dledger serve</c>, and posting them with an ingest key.</summary>
internal static class NdjsonPosts
{
    /// <summary><paramref name="unit"/> written <paramref name="times"/> times, e.g. <c>x\n</c> × 1,000,000.</summary>
    public static byte[] Repeat(ReadOnlySpan<byte> unit, int times)
    {
        byte[] bytes = new byte[unit.Length * times];
        for (int i = 0; i < times; i++)
        {
            unit.CopyTo(bytes.AsSpan(i * unit.Length));
        }

        return bytes;
    }

    /// <summary>Posts <paramref name="body"/> as <c>application/x-ndjson</c> to <c>/v1/decisions</c>.</summary>
    public static Task<HttpResponseMessage> PostAsync(ServeProcess serve, string key, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = content };
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        return serve.Client.SendAsync(message);
    }
}
