using System.Globalization;
using System.Text.Json;

namespace Mesh.Node.StandIns.DigitalOcean;

internal static class StandInJson
{
    /// <summary>
    /// snake_case as the API; unknown request members are ignored (clients send fields the stand-in does not model),
    /// and member names are matched case-insensitively, as lenient as the real API is about them.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>RFC 3339 in UTC to the second, the form the API uses ("2014-11-14T16:29:21Z").</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The request body as <typeparamref name="T"/>; an empty body or JSON null is null (PUT may send nothing).
    /// False when the body is not JSON of that shape, which the API answers with 422.
    /// </summary>
    public static async Task<(bool Ok, T? Body)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text)) return (true, null);
        try
        {
            return (true, JsonSerializer.Deserialize<T>(text, Options));
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}
