using System.Globalization;
using System.Text.Json;
using DecisionLedger.Drift;

namespace DecisionLedger.Server.Drift;

/// <summary>
/// Reads the drift monitor's JSON file (docs/model-risk.md):
/// <c>{"intervalSeconds":60,"webhook":{"url","attempts","backoffSeconds","timeoutSeconds","queueCapacity"},
/// "models":[{"model","versions":[…],"baseline":"FROM..TO","window":"1h","threshold":0.2,"minDecisions":100,"paths":[…],"bins":10,"retainWindows":168}]}</c>.
/// </summary>
public static class DriftConfigFile
{
    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The options, validated.</returns>
    /// <exception cref="ArgumentException">The file is not JSON, or a field is missing, of the wrong type or out of range; the message names it as <c>drift.models[0].window</c>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DriftMonitorOptions Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path));
    }

    /// <summary>Parses and checks the file's text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The options, validated.</returns>
    /// <exception cref="ArgumentException">A field is missing, of the wrong type or out of range; the message names it.</exception>
    public static DriftMonitorOptions Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"drift: the file is not JSON ({e.Message}).", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            Require(root, JsonValueKind.Object, "drift");
            var options = new DriftMonitorOptions();
            if (Optional(root, "intervalSeconds", JsonValueKind.Number, "drift") is { } interval)
            {
                options.Interval = TimeSpan.FromSeconds(interval.GetDouble());
            }

            if (Optional(root, "webhook", JsonValueKind.Object, "drift") is { } webhook)
            {
                string url = Optional(webhook, "url", JsonValueKind.String, "drift.webhook")?.GetString()
                    ?? throw new ArgumentException("drift.webhook.url: required when webhook is given.");
                options.WebhookUrl = Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri : throw new ArgumentException($"drift.webhook.url: '{url}' is not an absolute URL.");
                options.WebhookAttempts = Optional(webhook, "attempts", JsonValueKind.Number, "drift.webhook")?.GetInt32() ?? options.WebhookAttempts;
                options.WebhookBackoff = Optional(webhook, "backoffSeconds", JsonValueKind.Number, "drift.webhook") is { } b ? TimeSpan.FromSeconds(b.GetDouble()) : options.WebhookBackoff;
                options.WebhookTimeout = Optional(webhook, "timeoutSeconds", JsonValueKind.Number, "drift.webhook") is { } t ? TimeSpan.FromSeconds(t.GetDouble()) : options.WebhookTimeout;
                options.WebhookQueueCapacity = Optional(webhook, "queueCapacity", JsonValueKind.Number, "drift.webhook")?.GetInt32() ?? options.WebhookQueueCapacity;
            }

            JsonElement models = Optional(root, "models", JsonValueKind.Array, "drift") ?? throw new ArgumentException("drift.models: required; list the models to watch.");
            int i = 0;
            foreach (JsonElement model in models.EnumerateArray())
            {
                options.Watches.Add(Watch(model, $"drift.models[{i++}]"));
            }

            options.Validate();
            return options;
        }
    }

    private static DriftWatchOptions Watch(JsonElement model, string field)
    {
        Require(model, JsonValueKind.Object, field);
        var watch = new DriftWatchOptions
        {
            Model = Optional(model, "model", JsonValueKind.String, field)?.GetString() ?? throw new ArgumentException($"{field}.model: required; the exact model name as recorded."),
        };
        string baseline = Optional(model, "baseline", JsonValueKind.String, field)?.GetString()
            ?? throw new ArgumentException($"{field}.baseline: required; FROM..TO in RFC 3339, e.g. 2026-11-01T00:00:00Z..2026-11-08T00:00:00Z.");
        string[] range = baseline.Split("..");
        if (range.Length != 2
            || !DateTimeOffset.TryParse(range[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset from)
            || !DateTimeOffset.TryParse(range[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset to))
        {
            throw new ArgumentException($"{field}.baseline: '{baseline}' is not FROM..TO in RFC 3339, e.g. 2026-11-01T00:00:00Z..2026-11-08T00:00:00Z.");
        }

        watch.BaselineFrom = from;
        watch.BaselineTo = to;
        if (Optional(model, "window", JsonValueKind.String, field) is { } window)
        {
            try
            {
                watch.Window = DriftWindowLength.Parse(window.GetString()!, field + ".window");
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, e);
            }
        }

        watch.Threshold = Optional(model, "threshold", JsonValueKind.Number, field)?.GetDouble() ?? watch.Threshold;
        watch.MinDecisions = Optional(model, "minDecisions", JsonValueKind.Number, field)?.GetInt64() ?? watch.MinDecisions;
        watch.Bins = Optional(model, "bins", JsonValueKind.Number, field)?.GetInt32() ?? watch.Bins;
        watch.RetainWindows = Optional(model, "retainWindows", JsonValueKind.Number, field)?.GetInt32() ?? watch.RetainWindows;
        foreach (string version in Strings(model, "versions", field))
        {
            watch.Versions.Add(version);
        }

        foreach (string path in Strings(model, "paths", field))
        {
            watch.Paths.Add(path);
        }

        return watch;
    }

    private static IEnumerable<string> Strings(JsonElement parent, string name, string field)
    {
        if (Optional(parent, name, JsonValueKind.Array, field) is not { } array)
        {
            return [];
        }

        return [.. array.EnumerateArray().Select((e, i) =>
        {
            Require(e, JsonValueKind.String, $"{field}.{name}[{i}]");
            return e.GetString()!;
        })];
    }

    private static JsonElement? Optional(JsonElement parent, string name, JsonValueKind kind, string field)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Require(value, kind, $"{field}.{name}");
        if (kind == JsonValueKind.Number && (!value.TryGetDouble(out double number) || !double.IsFinite(number)))
        {
            throw new ArgumentException($"{field}.{name}: not a finite number.");
        }

        return value;
    }

    private static void Require(JsonElement value, JsonValueKind kind, string field)
    {
        if (value.ValueKind != kind)
        {
            throw new ArgumentException($"{field}: expected {kind.ToString().ToLowerInvariant()}, got {value.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }
}
