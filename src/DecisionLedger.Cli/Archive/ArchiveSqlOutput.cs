using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using DecisionLedger.Cli.Output;
using DuckDB.NET.Data;
using Spectre.Console;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// Prints a DuckDB result: a table for people, CSV for spreadsheets, or with <c>--json</c> one document
/// <c>{"columns":[…],"rows":[[…],…]}</c>. Blobs are base64, timestamps RFC 3339 UTC, JSON columns JSON.
/// </summary>
internal sealed class ArchiveSqlOutput(TextWriter writer)
{
    private const int HumanCellLimit = 60;

    public async Task WriteJsonAsync(DuckDBDataReader reader, IReadOnlyList<string> columnTypes, CancellationToken cancellationToken)
    {
        // DuckDB hands JSON values over as text: they go out as JSON, not as strings holding JSON.
        bool[] json = [.. Enumerable.Range(0, reader.FieldCount).Select(i => i < columnTypes.Count && string.Equals(columnTypes[i], "JSON", StringComparison.OrdinalIgnoreCase))];
        await JsonOutput.WriteAsync(writer, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("columns");
            for (int i = 0; i < reader.FieldCount; i++)
            {
                w.WriteStringValue(reader.GetName(i));
            }

            w.WriteEndArray();
            w.WriteStartArray("rows");
            while (reader.Read())
            {
                w.WriteStartArray();
                for (int i = 0; i < reader.FieldCount; i++)
                {
                    object? value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (json[i] && value is string text)
                    {
                        w.WriteRawValue(text);
                    }
                    else
                    {
                        WriteJsonValue(w, value);
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, cancellationToken);
    }

    public async Task WriteCsvAsync(DuckDBDataReader reader)
    {
        await writer.WriteLineAsync(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Csv(reader.GetName(i)))));
        while (reader.Read())
        {
            await writer.WriteLineAsync(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Csv(reader.IsDBNull(i) ? "" : Text(reader.GetValue(i))))));
        }
    }

    public void WriteTable(DuckDBDataReader reader, CliEnvironment environment)
    {
        var table = new Table();
        for (int i = 0; i < reader.FieldCount; i++)
        {
            table.AddColumn(Markup.Escape(reader.GetName(i)));
        }

        int rows = 0;
        while (reader.Read())
        {
            rows++;
            table.AddRow([.. Enumerable.Range(0, reader.FieldCount).Select(i => Markup.Escape(reader.IsDBNull(i) ? "NULL" : Shorten(Text(reader.GetValue(i)))))]);
        }

        IAnsiConsole console = HumanConsole.Create(environment);
        console.Write(table);
        console.WriteLine(rows == 1 ? "1 row." : $"{rows.ToString(CultureInfo.InvariantCulture)} rows.");
    }

    private static void WriteJsonValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or BigInteger:
                w.WriteRawValue(Text(value));
                break;
            case string or byte[] or Stream or DateTime or DateTimeOffset:
                w.WriteStringValue(Text(value));
                break;
            case IDictionary dictionary:
                w.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    w.WritePropertyName(Text(entry.Key));
                    WriteJsonValue(w, entry.Value);
                }

                w.WriteEndObject();
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (object? item in items)
                {
                    WriteJsonValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Text(value));
                break;
        }
    }

    private static string Text(object? value) => value switch
    {
        null or DBNull => "",
        byte[] bytes => Convert.ToBase64String(bytes),
        Stream stream => Convert.ToBase64String(ReadAll(stream)),
        DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable items when value is not string => JsonOutput.ToString(w => WriteJsonValue(w, items)),
        _ => value.ToString() ?? "",
    };

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private static string Shorten(string text) => text.Length <= HumanCellLimit ? text : string.Concat(text.AsSpan(0, HumanCellLimit - 3), "...");

    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
