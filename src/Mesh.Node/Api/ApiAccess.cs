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
    private readonly bool _readRequiresToken;

    public ApiAccess(ApiOptions options, IConfigEnvironment environment)
    {
        _readRequiresToken = options.ReadRequiresToken;
        if (options.Token is { Length: > 0 } reference && Secrets.Resolve(reference, environment).Value is { } token)
            _token = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Null when the request may go on, else the 401 or 403 problem to answer.</summary>
    public IResult? Check(HttpRequest request, bool mutating)
    {
        if (!mutating && !_readRequiresToken) return null;
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
    public static RouteHandlerBuilder RequireReadAccess(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<ApiAccess>().Check(context.HttpContext.Request, mutating: false) ?? await next(context));

    /// <summary>Guards a mutating endpoint: always needs the bearer token.</summary>
    public static RouteHandlerBuilder RequireWriteAccess(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<ApiAccess>().Check(context.HttpContext.Request, mutating: true) ?? await next(context));
}
