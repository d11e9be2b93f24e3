using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DecisionLedger.Replay.MLNet;

/// <summary>Writes one output column of the current row as a JSON member; columns of types JSON has no use for are left out.</summary>
internal static class OutputColumnWriter
{
    public static void Write(Utf8JsonWriter writer, DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        DataViewType type = column.Type;
        if (type == NumberDataViewType.Single)
        {
            float value = default;
            cursor.GetGetter<float>(column)(ref value);
            Number(writer, column.Name, value);
        }
        else if (type == NumberDataViewType.Double)
        {
            double value = default;
            cursor.GetGetter<double>(column)(ref value);
            Number(writer, column.Name, value);
        }
        else if (type == NumberDataViewType.Int32)
        {
            int value = default;
            cursor.GetGetter<int>(column)(ref value);
            writer.WriteNumber(column.Name, value);
        }
        else if (type == NumberDataViewType.Int64)
        {
            long value = default;
            cursor.GetGetter<long>(column)(ref value);
            writer.WriteNumber(column.Name, value);
        }
        else if (type == BooleanDataViewType.Instance)
        {
            bool value = default;
            cursor.GetGetter<bool>(column)(ref value);
            writer.WriteBoolean(column.Name, value);
        }
        else if (type == TextDataViewType.Instance)
        {
            ReadOnlyMemory<char> value = default;
            cursor.GetGetter<ReadOnlyMemory<char>>(column)(ref value);
            writer.WriteString(column.Name, value.Span);
        }
        else if (type is KeyDataViewType { RawType: var raw } && raw == typeof(uint))
        {
            uint value = default;
            cursor.GetGetter<uint>(column)(ref value);
            writer.WriteNumber(column.Name, value);
        }
        else if (type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
        {
            VBuffer<float> value = default;
            cursor.GetGetter<VBuffer<float>>(column)(ref value);
            writer.WriteStartArray(column.Name);
            foreach (float element in value.DenseValues())
            {
                NumberValue(writer, element);
            }

            writer.WriteEndArray();
        }
    }

    // JSON has no NaN or infinity: an undefined score is written as null and shows up as a difference.
    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        NumberValue(writer, value);
    }

    private static void NumberValue(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
