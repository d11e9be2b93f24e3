using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;

namespace DecisionLedger.Replay.MLNet;

/// <summary>
/// A loaded ML.NET model that scores JSON inputs: each input column is filled from the stored
/// input's member of the same name (exact, else ignoring case); a column the input lacks (such as
/// the training label) gets its type's default. The output is every visible output column.
/// </summary>
internal sealed class MLNetReplayModel : IReplayModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly InputColumn[] _columns;
    private readonly Type _rowType;
    private readonly MethodInfo _load;
    private readonly Lock _gate = new();

    public MLNetReplayModel(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        _ml = ml;
        _model = model;
        _columns = [.. inputSchema.Where(c => !c.IsHidden).Select(InputColumn.Of)];
        _rowType = RowTypeBuilder.Build(_columns);
        _load = typeof(DataOperationsCatalog).GetMethods()
            .Single(m => m.Name == nameof(DataOperationsCatalog.LoadFromEnumerable) && m.GetParameters()[1].ParameterType == typeof(Microsoft.ML.Data.SchemaDefinition))
            .MakeGenericMethod(_rowType);
    }

    /// <inheritdoc />
    public JsonElement Score(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the stored input is a JSON {input.ValueKind.ToString().ToLowerInvariant()}, not an object whose members are the model's input columns ({string.Join(", ", _columns.Select(c => c.Name))}).");
        }

        object row = Activator.CreateInstance(_rowType)!;
        foreach (InputColumn column in _columns)
        {
            column.Field!.SetValue(row, TryMember(input, column.Name, out JsonElement value) ? Convert(column, value) : Default(column));
        }

        var rows = Array.CreateInstance(_rowType, 1);
        rows.SetValue(row, 0);
        lock (_gate)
        {
            var view = (IDataView)_load.Invoke(_ml.Data, [rows, null])!;
            IDataView scored = _model.Transform(view);
            DataViewSchema.Column[] visible = [.. scored.Schema.Where(c => !c.IsHidden)];
            using DataViewRowCursor cursor = scored.GetRowCursor(visible);
            if (!cursor.MoveNext())
            {
                throw new FormatException("the model produced no row for the input.");
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (DataViewSchema.Column column in visible)
                {
                    OutputColumnWriter.Write(writer, cursor, column);
                }

                writer.WriteEndObject();
            }

            using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
            return document.RootElement.Clone();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (_model as IDisposable)?.Dispose();
    }

    // ML.NET columns are often named like the JSON body's members but in another case (Amount, amount).
    private static bool TryMember(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    private static object Default(InputColumn column) => column.ClrType == typeof(string)
        ? string.Empty
        : column.ClrType == typeof(float[]) ? new float[column.VectorSize] : Activator.CreateInstance(column.ClrType)!;

    private static object Convert(InputColumn column, JsonElement value)
    {
        Type type = column.ClrType;
        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Mismatch(column, value, "a string");
        }

        if (type == typeof(bool))
        {
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => value.GetDouble() != 0,
                _ => throw Mismatch(column, value, "a boolean"),
            };
        }

        if (type == typeof(float[]))
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != column.VectorSize)
            {
                throw Mismatch(column, value, $"an array of {column.VectorSize} numbers");
            }

            return value.EnumerateArray().Select(e => (float)Number(column, e)).ToArray();
        }

        double number = Number(column, value);
        return type == typeof(float) ? (float)number
            : type == typeof(double) ? number
            : type == typeof(int) ? (object)checked((int)number)
            : checked((long)number);
    }

    // Booleans fill numeric columns as 1 and 0: a JSON body's "cardPresent": true is the model's 1.
    private static double Number(InputColumn column, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => throw Mismatch(column, value, "a number"),
    };

    private static FormatException Mismatch(InputColumn column, JsonElement value, string expected) =>
        new($"input.{column.Name}: {value.GetRawText()} is not {expected}, which the model's column '{column.Name}' ({column.Type}) needs.");
}
