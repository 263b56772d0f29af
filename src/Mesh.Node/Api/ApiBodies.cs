using System.Text.Json;

namespace Mesh.Node.Api;

/// <summary>Reads a request's optional JSON body; an empty body is null, a malformed one is a 400 the caller reports.</summary>
public static class ApiBodies
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength is 0 || !request.HasJsonContentType() && request.ContentLength is null) return null;
        try
        {
            return await request.ReadFromJsonAsync<T>(Json, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
