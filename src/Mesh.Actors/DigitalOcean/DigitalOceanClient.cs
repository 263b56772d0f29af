using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Actors.DigitalOcean;

/// <summary>
/// A small typed client of the DigitalOcean API over one HttpClient. The token travels only in the
/// Authorization header of each request; it is not kept on the HttpClient, logged, or put in exceptions.
/// (The client issue adds domain records, droplets, retries and the contract tests.)
/// </summary>
public sealed class DigitalOceanClient(HttpClient http, Uri apiUrl, string token)
{
    private readonly Uri _base = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");

    public async Task<LoadBalancer> GetLoadBalancerAsync(string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, $"v2/load_balancers/{Uri.EscapeDataString(id)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        await ThrowOnErrorAsync(response, cancellationToken);
        var envelope = await response.Content.ReadFromJsonAsync<LoadBalancerEnvelope>(cancellationToken);
        return envelope?.LoadBalancer ?? throw new DigitalOceanApiException((int)response.StatusCode, null, "the answer holds no load_balancer", null);
    }

    private static async Task ThrowOnErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        ApiError? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync<ApiError>(ct);
        }
        catch (JsonException)
        {
        }
        throw new DigitalOceanApiException((int)response.StatusCode, error?.Id, error?.Message ?? response.ReasonPhrase ?? "no message", error?.RequestId);
    }
}
