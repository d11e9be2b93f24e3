using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Storage;

/// <summary>
/// Storage (the ports and their vocabulary: entries, filters, where predicates, field paths) sits below
/// Querying (where-text parsing, paged queries, cursors, where selection), never beside it: a store
/// implements the ports without knowing how a query is run. These tests fail if a type in
/// <c>DecisionLedger.Storage</c> uses one in <c>DecisionLedger.Querying</c> again, in a signature or
/// only inside a method body.
/// </summary>
public sealed class StorageLayeringTests
{
    private const string StorageNamespace = "DecisionLedger.Storage";
    private const string QueryingNamespace = "DecisionLedger.Querying";

    private static readonly OpCode[] s_oneByte = OpCodeTable(twoByte: false);
    private static readonly OpCode[] s_twoByte = OpCodeTable(twoByte: true);

    [Fact]
    public void StorageTypes_UseNoQueryingType()
    {
        Assembly core = typeof(ILedgerStore).Assembly;
        var uses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Type type in core.GetTypes().Where(t => IsIn(t, StorageNamespace)))
        {
            foreach (Type used in TypesUsedBy(type).Where(t => IsIn(t, QueryingNamespace)))
            {
                uses.Add($"{type.FullName} uses {used.FullName}");
            }
        }

        Assert.True(
            uses.Count == 0,
            $"{StorageNamespace} must not depend on {QueryingNamespace} (Querying builds on Storage); move the shared type to Storage:\n" + string.Join("\n", uses));
    }

    [Fact]
    public void TypesUsedBy_SeesATypeUsedOnlyInsideAMethodBody()
    {
        Type[] used = TypesUsedBy(typeof(BodyOnlyUse)).ToArray();

        Assert.Contains(typeof(StringBuilder), used);
    }

    [Fact]
    public void TypesUsedBy_SeesATypeUsedOnlyInsideALambda()
    {
        // The lambda's body compiles to a nested closure type, which shares the declaring type's namespace.
        Type[] used = typeof(LambdaOnlyUse).GetNestedTypes(BindingFlags.NonPublic).Prepend(typeof(LambdaOnlyUse)).SelectMany(TypesUsedBy).ToArray();

        Assert.Contains(typeof(UriBuilder), used);
    }

    private static bool IsIn(Type type, string ns) =>
        type.Namespace is { } name && (name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal));

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, locals and the operands of its IL.</summary>
    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        var found = new HashSet<Type>();
        Add(found, type.BaseType);
        foreach (Type contract in type.GetInterfaces())
        {
            Add(found, contract);
        }

        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        foreach (FieldInfo field in type.GetFields(Declared))
        {
            Add(found, field.FieldType);
        }

        foreach (PropertyInfo property in type.GetProperties(Declared))
        {
            Add(found, property.PropertyType);
        }

        foreach (MethodBase method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            AddSignature(found, method);
            AddBody(found, type, method);
        }

        return found;
    }

    private static void AddSignature(HashSet<Type> found, MethodBase method)
    {
        Add(found, method.DeclaringType);
        if (method is MethodInfo info)
        {
            Add(found, info.ReturnType);
        }

        foreach (ParameterInfo parameter in method.GetParameters())
        {
            Add(found, parameter.ParameterType);
        }
    }

    private static void AddBody(HashSet<Type> found, Type type, MethodBase method)
    {
        MethodBody? body = method.GetMethodBody();
        if (body is null)
        {
            return;
        }

        foreach (LocalVariableInfo local in body.LocalVariables)
        {
            Add(found, local.LocalType);
        }

        byte[] il = body.GetILAsByteArray() ?? [];
        Type[]? typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            OpCode op = il[at] == 0xFE ? s_twoByte[il[at + 1]] : s_oneByte[il[at]];
            at += op.Size;
            if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok)
            {
                switch (method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments))
                {
                    case Type used:
                        Add(found, used);
                        break;
                    case FieldInfo field:
                        Add(found, field.DeclaringType);
                        Add(found, field.FieldType);
                        break;
                    case MethodBase called:
                        AddSignature(found, called);
                        break;
                }
            }

            at += OperandSize(op.OperandType, il, at);
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private static void Add(HashSet<Type> found, Type? type)
    {
        if (type is null || !found.Add(type))
        {
            return;
        }

        if (type.HasElementType)
        {
            Add(found, type.GetElementType());
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            Add(found, type.GetGenericTypeDefinition());
            foreach (Type argument in type.GetGenericArguments())
            {
                Add(found, argument);
            }
        }
    }

    private static OpCode[] OpCodeTable(bool twoByte)
    {
        var table = new OpCode[256];
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if ((op.Size == 2) == twoByte)
            {
                table[(ushort)op.Value & 0xFF] = op;
            }
        }

        return table;
    }

    private static class BodyOnlyUse
    {
        public static object Make() => new StringBuilder();
    }

    private static class LambdaOnlyUse
    {
        public static Func<object> Make() => () => new UriBuilder();
    }
}
