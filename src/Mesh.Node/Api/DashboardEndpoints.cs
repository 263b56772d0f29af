namespace Mesh.Node.Api;

/// <summary>
/// <c>GET /</c>: the dashboard, four static files shipped next to the binary (<c>wwwroot/</c>), no build step.
/// Only the named files are served, each with a content security policy that lets the page load nothing but its own
/// script and style and talk to nothing but this node. The page itself holds no state: it reads the API, and asks for
/// the API token when reads need one.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    };

    private static string Root => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static void MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html", "text/html; charset=utf-8"))
            .Produces<string>(StatusCodes.Status200OK, "text/html").WithSummary("The dashboard page")
            .Problems(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/dashboard/{file}", (HttpContext context, string file) =>
                Assets.TryGetValue(file, out var type) ? Serve(context, file, type) : ApiProblems.NotFound($"the dashboard has no file {file}"))
            .Produces<string>(StatusCodes.Status200OK, "text/javascript", "text/css", "image/svg+xml").WithSummary("The dashboard's script, style and icon")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Serve(HttpContext context, string file, string contentType)
    {
        var path = Path.Combine(Root, file);
        if (!File.Exists(path)) return ApiProblems.Unavailable($"the dashboard's {file} is missing from {Root}: reinstall the node");
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return Results.File(path, contentType);
    }
}
