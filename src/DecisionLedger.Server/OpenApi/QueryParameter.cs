using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;

namespace DecisionLedger.Server.OpenApi;

/// <summary>
/// Endpoint metadata describing a query parameter the handler reads itself (from <c>HttpRequest.Query</c>,
/// so the OpenAPI generator cannot see it); <see cref="CollectorOpenApi"/> adds it to the operation.
/// </summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Type">Its JSON schema type.</param>
/// <param name="Description">What it does, its default and range.</param>
/// <param name="Required">True when the route needs it.</param>
/// <param name="Format">A JSON schema format (e.g. <c>date-time</c>), if any.</param>
internal sealed record QueryParameter(string Name, JsonSchemaType Type, string Description, bool Required = false, string? Format = null);

/// <summary>Adds <see cref="QueryParameter"/> metadata to endpoints.</summary>
internal static class QueryParameterExtensions
{
    public static TBuilder WithQueryParameter<TBuilder>(this TBuilder builder, string name, JsonSchemaType type, string description, bool required = false, string? format = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new QueryParameter(name, type, description, required, format));
}
