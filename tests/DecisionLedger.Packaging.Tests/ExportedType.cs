using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace DecisionLedger.Packaging.Tests;

/// <summary>A type a package exports (public, or nested public in an exported type), as its compiled assembly declares it.</summary>
/// <param name="Name">Namespace-qualified, nested types joined with a dot, without generic arity (<c>Ns.Outer.Inner</c>).</param>
/// <param name="IsOpenClass">A class a user can derive from: neither sealed, abstract nor static.</param>
internal sealed record ExportedType(string Name, bool IsOpenClass)
{
    /// <summary>
    /// The exported types of <paramref name="assemblyPath"/>, read from its metadata without loading it, so the
    /// test needs no reference to the package (nor to ASP.NET Core, Npgsql or Redis).
    /// </summary>
    public static IReadOnlyList<ExportedType> ReadAll(string assemblyPath)
    {
        using FileStream file = File.OpenRead(assemblyPath);
        using var pe = new PEReader(file);
        MetadataReader metadata = pe.GetMetadataReader();

        var types = new List<ExportedType>();
        foreach (TypeDefinitionHandle handle in metadata.TypeDefinitions)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            if (IsExported(metadata, type))
            {
                types.Add(new ExportedType(NameOf(metadata, type), CanBeDerivedFrom(metadata, type)));
            }
        }

        return types;
    }

    private static bool IsExported(MetadataReader metadata, TypeDefinition type) =>
        (type.Attributes & TypeAttributes.VisibilityMask) switch
        {
            TypeAttributes.Public => true,
            TypeAttributes.NestedPublic => IsExported(metadata, metadata.GetTypeDefinition(type.GetDeclaringType())),
            _ => false,
        };

    private static bool CanBeDerivedFrom(MetadataReader metadata, TypeDefinition type)
    {
        TypeAttributes attributes = type.Attributes;
        if ((attributes & TypeAttributes.Interface) != 0 || (attributes & (TypeAttributes.Sealed | TypeAttributes.Abstract)) != 0)
        {
            return false;
        }

        // Enums, structs and delegates are sealed in metadata already; this guards the reading, not the rule.
        string baseType = BaseTypeName(metadata, type);
        return baseType is not ("System.Enum" or "System.ValueType" or "System.MulticastDelegate");
    }

    private static string BaseTypeName(MetadataReader metadata, TypeDefinition type)
    {
        if (type.BaseType.Kind != HandleKind.TypeReference)
        {
            return "";
        }

        TypeReference reference = metadata.GetTypeReference((TypeReferenceHandle)type.BaseType);
        return $"{metadata.GetString(reference.Namespace)}.{metadata.GetString(reference.Name)}";
    }

    private static string NameOf(MetadataReader metadata, TypeDefinition type)
    {
        string name = metadata.GetString(type.Name);
        int arity = name.IndexOf('`', StringComparison.Ordinal);
        if (arity >= 0)
        {
            name = name[..arity];
        }

        return type.GetDeclaringType().IsNil
            ? $"{metadata.GetString(type.Namespace)}.{name}"
            : $"{NameOf(metadata, metadata.GetTypeDefinition(type.GetDeclaringType()))}.{name}";
    }
}
