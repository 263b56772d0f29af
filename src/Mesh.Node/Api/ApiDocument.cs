using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mesh.Node.Api;

/// <summary>
/// The API document at <c>GET /openapi/v1.json</c> (OpenAPI 3.1), generated from the endpoints themselves: their
/// declared answers (<see cref="ApiDocumentExtensions"/>), their body types and their token checks. It describes this
/// node as configured: reads carry the bearer requirement and the 401/403 answers only when Api.ReadRequiresToken is on.
/// It holds no state and no secret, so it is served without a token.
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Health Mesh",
                    Version = "v1",
                    Description = "Every node answers for the whole mesh. Errors are RFC 9457 problem+json with the reason in detail.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "Api.Token: always for commands, for reads only with Api.ReadRequiresToken",
                };
                document.Paths.Add("/metrics", MetricsPath());
                // The generator's default tag is the application's name; the operations carry the resource tags instead.
                document.Tags = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
                    .SelectMany(o => o.Tags?.AsEnumerable() ?? []).Select(t => t.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal)
                    .Select(name => new OpenApiTag { Name = name }).ToHashSet();
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, ct) =>
            {
                operation.Tags = new HashSet<OpenApiTagReference> { new(TagOf(context.Description.RelativePath ?? ""), context.Document) };
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<BodyDescription>().SingleOrDefault() is { } body)
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = !body.Optional,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) },
                        },
                    };
                var required = context.Description.ActionDescriptor.EndpointMetadata.OfType<TokenRequirement>().SingleOrDefault();
                var access = context.ApplicationServices.GetRequiredService<ApiAccess>();
                if (required is not null && (required.Mutating || access.ReadRequiresToken))
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                else
                {
                    operation.Responses?.Remove("401");
                    operation.Responses?.Remove("403");
                }
            });
        });

    /// <summary>Groups operations by resource: /api/v1/failover/pause is "failover", /readyz "health", /dashboard/x "dashboard".</summary>
    private static string TagOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["api", "v1", var resource, ..] => resource,
            [] or ["dashboard", ..] => "dashboard",
            _ => "health",
        };
    }

    // prometheus-net's endpoint is middleware, which the generator does not see; described by hand.
    private static OpenApiPathItem MetricsPath() => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                Summary = "Prometheus metrics (SPEC section 5), text exposition format",
                Tags = new HashSet<OpenApiTagReference> { new("metrics") },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse
                    {
                        Description = "OK",
                        Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                    },
                },
            },
        },
    };
}

/// <summary>Marks an endpoint that checks the bearer token: always (<c>Mutating</c>) or only with ReadRequiresToken.</summary>
public sealed record TokenRequirement(bool Mutating);

/// <summary>
/// The JSON body an endpoint reads itself (<see cref="ApiBodies"/>). Not <c>Accepts</c>: that metadata also constrains
/// routing by content type, and a body sent as anything else must get the 400 problem saying so, not a 404.
/// </summary>
public sealed record BodyDescription(Type Type, bool Optional);

/// <summary>What each endpoint answers, declared next to it, so that the API document matches the code.</summary>
public static class ApiDocumentExtensions
{
    /// <summary>200 with <typeparamref name="T"/> as JSON, plus the given problem statuses.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder endpoint, string summary, params int[] problems) =>
        endpoint.Produces<T>().WithSummary(summary).Problems(problems);

    /// <summary>The problem+json answers of these statuses (<see cref="ProblemAnswer"/>).</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint.Produces<ProblemAnswer>(status, "application/problem+json");
        return endpoint;
    }

    public static RouteHandlerBuilder Takes<TBody>(this RouteHandlerBuilder endpoint, bool optional) =>
        endpoint.WithMetadata(new BodyDescription(typeof(TBody), optional));
}
