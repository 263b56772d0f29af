using System.Security.Cryptography;
using System.Text;

namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>Null <paramref name="Status"/>: go on, authorised by <paramref name="TokenUsed"/>; else answer 401 or 403.</summary>
internal sealed record AuthVerdict(int? Status, string TokenUsed);

/// <summary>
/// The bearer check. Tokens are compared in constant time and kept only as bytes here; nothing in the
/// stand-in prints them, and a verdict names the token by its role ("token", "actions-token").
/// </summary>
internal sealed class StandInAuth(string token, string? actionsToken)
{
    public const string TokenRole = "token";
    public const string ActionsTokenRole = "actions-token";

    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);
    private readonly byte[]? _actionsToken = actionsToken is null ? null : Encoding.UTF8.GetBytes(actionsToken);

    public AuthVerdict Check(string? authorization, bool write)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return new AuthVerdict(StatusCodes.Status401Unauthorized, "");
        var presented = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        var isToken = CryptographicOperations.FixedTimeEquals(presented, _token);
        var isActionsToken = _actionsToken is not null && CryptographicOperations.FixedTimeEquals(presented, _actionsToken);
        if (!isToken && !isActionsToken) return new AuthVerdict(StatusCodes.Status401Unauthorized, "");
        // A token without write scopes is known to DigitalOcean (so not 401) but may not write: 403.
        if (write && _actionsToken is not null && !isActionsToken) return new AuthVerdict(StatusCodes.Status403Forbidden, TokenRole);
        return new AuthVerdict(null, isActionsToken && (write || !isToken) ? ActionsTokenRole : TokenRole);
    }
}
