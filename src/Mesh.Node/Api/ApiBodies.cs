using System.Text.Json;

namespace Mesh.Node.Api;

/// <summary>
/// Reads a request's optional JSON body. No body at all is null; anything else must be a JSON document of at most
/// <see cref="MaxBytes"/> bytes sent as <c>application/json</c>, or the answer is a 400 problem saying what is wrong
/// (a malformed body is never read as "no body": a pause with a broken reason must not pass as a pause without one).
/// </summary>
public static class ApiBodies
{
    /// <summary>The largest body any endpoint takes: the biggest real one (a pause reason) is a few hundred bytes.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 16 };

    public readonly record struct Read<T>(T? Value, IResult? Problem);

    public static async Task<Read<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength is > MaxBytes) return TooLarge<T>();
        var bytes = await ReadLimitedAsync(request.Body, ct);
        if (bytes is null) return TooLarge<T>();
        if (bytes.Length == 0) return new(null, null);
        if (!request.HasJsonContentType())
            return new(null, ApiProblems.BadRequest($"the body must be sent as application/json (it came as {request.ContentType ?? "no content type"})"));
        try
        {
            return new(JsonSerializer.Deserialize<T>(bytes, Json), null);
        }
        catch (JsonException e)
        {
            // The parser's own words: where it stopped and why (at most the one character it choked on).
            return new(null, ApiProblems.BadRequest($"the body is not the JSON this endpoint takes: {e.Message}"));
        }
    }

    private static Read<T> TooLarge<T>() where T : class =>
        new(null, ApiProblems.BadRequest($"the body is larger than {MaxBytes} bytes, more than any request of this API needs"));

    /// <summary>The body, or null when it is longer than <see cref="MaxBytes"/> (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return total > MaxBytes ? null : buffer[..total];
    }
}
