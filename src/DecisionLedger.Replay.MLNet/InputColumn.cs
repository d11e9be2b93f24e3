using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DecisionLedger.Replay.MLNet;

/// <summary>One column of a model's input schema and the field of the generated row type that carries it.</summary>
/// <param name="Name">The column's name, matched against the stored input's members.</param>
/// <param name="Type">The column's ML.NET type.</param>
/// <param name="ClrType">The field's CLR type (float, double, int, long, bool, string, float[]).</param>
/// <param name="VectorSize">For a fixed-size float vector, its size; 0 otherwise.</param>
internal sealed record InputColumn(string Name, DataViewType Type, Type ClrType, int VectorSize)
{
    /// <summary>The generated field, set once the row type is built.</summary>
    public FieldInfo? Field { get; set; }

    /// <summary>The column as a field type, or why it cannot be one.</summary>
    /// <exception cref="InvalidDataException">The column's type is not one replay can fill from JSON.</exception>
    public static InputColumn Of(DataViewSchema.Column column)
    {
        DataViewType type = column.Type;
        Type? clr = type switch
        {
            _ when type == NumberDataViewType.Single => typeof(float),
            _ when type == NumberDataViewType.Double => typeof(double),
            _ when type == NumberDataViewType.Int32 => typeof(int),
            _ when type == NumberDataViewType.Int64 => typeof(long),
            _ when type == BooleanDataViewType.Instance => typeof(bool),
            _ when type == TextDataViewType.Instance => typeof(string),
            VectorDataViewType { ItemType: var item, Size: > 0 } when item == NumberDataViewType.Single => typeof(float[]),
            _ => null,
        };

        return clr is null
            ? throw new InvalidDataException($"input column '{column.Name}' has type {type}, which replay cannot fill from a JSON input (it reads Single, Double, Int32, Int64, Boolean, Text and fixed-size Single vectors).")
            : new InputColumn(column.Name, type, clr, type is VectorDataViewType vector ? vector.Size : 0);
    }
}
