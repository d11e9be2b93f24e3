using System.Reflection;
using System.Reflection.Emit;
using Microsoft.ML.Data;

namespace DecisionLedger.Replay.MLNet;

/// <summary>
/// Emits a row class for a model's input schema: one public field per column, named by
/// <see cref="ColumnNameAttribute"/> (and sized by <see cref="VectorTypeAttribute"/>), which is
/// what <c>LoadFromEnumerable</c> needs to build an <c>IDataView</c> without a compiled type.
/// </summary>
internal static class RowTypeBuilder
{
    private static readonly ModuleBuilder s_module = AssemblyBuilder
        .DefineDynamicAssembly(new AssemblyName("DecisionLedger.Replay.MLNet.Rows"), AssemblyBuilderAccess.Run)
        .DefineDynamicModule("Rows");

    private static int s_next;

    /// <summary>Builds the row type and sets each column's <see cref="InputColumn.Field"/>.</summary>
    public static Type Build(IReadOnlyList<InputColumn> columns)
    {
        TypeBuilder type;
        lock (s_module)
        {
            type = s_module.DefineType($"ReplayRow{s_next++}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
        }

        ConstructorInfo columnName = typeof(ColumnNameAttribute).GetConstructor([typeof(string)])!;
        ConstructorInfo vectorType = typeof(VectorTypeAttribute).GetConstructor([typeof(int[])])!;
        for (int i = 0; i < columns.Count; i++)
        {
            FieldBuilder field = type.DefineField($"Column{i}", columns[i].ClrType, FieldAttributes.Public);
            field.SetCustomAttribute(new CustomAttributeBuilder(columnName, [columns[i].Name]));
            if (columns[i].VectorSize > 0)
            {
                field.SetCustomAttribute(new CustomAttributeBuilder(vectorType, [new[] { columns[i].VectorSize }]));
            }
        }

        Type built = type.CreateType();
        for (int i = 0; i < columns.Count; i++)
        {
            columns[i].Field = built.GetField($"Column{i}");
        }

        return built;
    }
}
