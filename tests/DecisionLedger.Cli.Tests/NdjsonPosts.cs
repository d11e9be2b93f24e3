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

    /// <summary>Posts 60 MB of invalid lines (<c>x\n</c> × 30,000,000, inside the 64 MiB limit) and checks the 400 counted the rest without parsing it.</summary>
    public static async Task PostSixtyMegabytesOfBadLinesAsync(ServeProcess serve, string key)
    {
        using HttpResponseMessage response = await PostAsync(serve, key, Repeat("x\n"u8, 30_000_000));
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using System.Text.Json.JsonDocument problem = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal(29_999_900, problem.RootElement.GetProperty("stopped").GetProperty("linesNotExamined").GetInt64());
    }
}
