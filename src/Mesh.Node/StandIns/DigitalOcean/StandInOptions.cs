using System.Text;

namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// How a <see cref="DigitalOceanStandIn"/> is started. <paramref name="Token"/> is accepted for every call;
/// when <paramref name="ActionsToken"/> is set, writes (POST/PUT) need it, which models a read-only token
/// next to a token with write scopes. <paramref name="Port"/> 0 takes a free port. <paramref name="Addresses"/> are where it
/// listens (default 127.0.0.1; several, as on the chaos lab's links to each region, need one fixed port).
/// </summary>
public sealed record StandInOptions(string Token, string? ActionsToken = null, int Port = 0, IReadOnlyList<System.Net.IPAddress>? Addresses = null)
{
    // A record prints its members by default; the tokens must not end up in a test log or an assertion message.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Token = ***, ActionsToken = ").Append(ActionsToken is null ? "null" : "***").Append(", Port = ").Append(Port)
            .Append(", Addresses = ").Append(Addresses is null ? "loopback" : string.Join(", ", Addresses));
        return true;
    }
}
