using System.Security.Cryptography;
using System.Text;
using Mesh.Contracts.Configuration;

namespace Mesh.Node.Api;

/// <summary>
/// The bearer token check of SPEC section 4: mutating calls always need it, reads only with
/// ReadRequiresToken. Compared in constant time; never logged.
/// </summary>
public sealed class ApiAccess
{
    private readonly byte[]? _token;

    public ApiAccess(ApiOptions options, IConfigEnvironment environment)
    {
        ReadRequiresToken = options.ReadRequiresToken;
        if (options.Token is { Length: > 0 } reference && Secrets.Resolve(reference, environment).Value is { } token)
            _token = Encoding.UTF8.GetBytes(token);
    }

    public bool ReadRequiresToken { get; }

    /// <summary>Null when the request may go on, else the 401 or 403 problem to answer.</summary>
    public IResult? Check(HttpRequest request, bool mutating)
    {
        if (!mutating && !ReadRequiresToken) return null;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Unauthorized", "this call needs the header Authorization: Bearer <Api.Token>");
        if (_token is null)
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden", "no Api.Token is configured on this node, so no token is accepted");
        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _token)
            ? null
            : ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden", "the bearer token is not this mesh's Api.Token");
    }
}

public static class ApiAccessExtensions
{
    /// <summary>Guards a read endpoint: open unless ReadRequiresToken.</summary>
    public static RouteHandlerBuilder RequireReadAccess(this RouteHandlerBuilder endpoint) => Require(endpoint, mutating: false);

    /// <summary>Guards a mutating endpoint: always needs the bearer token.</summary>
    public static RouteHandlerBuilder RequireWriteAccess(this RouteHandlerBuilder endpoint) => Require(endpoint, mutating: true);

    private static RouteHandlerBuilder Require(RouteHandlerBuilder endpoint, bool mutating) =>
        endpoint
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<ApiAccess>().Check(context.HttpContext.Request, mutating) ?? await next(context))
            .WithMetadata(new TokenRequirement(mutating))
            .Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
}
