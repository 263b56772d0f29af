using System.Text;

namespace Mesh.Contracts.Configuration;

// The options that hold secrets. Their ToString never shows a secret, not even its env:/file: reference.

public sealed record DigitalOceanOptions
{
    public string ApiUrl { get; init; } = "https://api.digitalocean.com";
    public string? Token { get; init; }
    /// <summary>For DNS writes and droplet actions; defaults to <see cref="Token"/>.</summary>
    public string? ActionsToken { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ApiUrl = {ApiUrl}, Token = {Secrets.Mask(Token)}, ActionsToken = {Secrets.Mask(ActionsToken)}");
        return true;
    }
}

public sealed record ApiOptions
{
    public string? Token { get; init; }
    public bool ReadRequiresToken { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Token = {Secrets.Mask(Token)}, ReadRequiresToken = {ReadRequiresToken}");
        return true;
    }
}

public sealed record RemoteOptions
{
    public TlsOptions Tls { get; init; } = new();
    /// <summary>Allows remoting without TLS on public addresses: anyone who can join can forge votes.</summary>
    public bool AllowInsecureRemoting { get; init; }
}

public sealed record TlsOptions
{
    public bool Enabled { get; init; }
    public string? CertificatePath { get; init; }
    public string? CertificatePassword { get; init; }
    /// <summary>
    /// The mesh's CA certificate(s), PEM (several during a CA rotation) or DER: a peer is admitted only with a certificate
    /// that chains to one of them. Unset, any CA the machine trusts will do, the public ones included.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Enabled = {Enabled}, CertificatePath = {CertificatePath}, CertificatePassword = {Secrets.Mask(CertificatePassword)}, CaCertificatePath = {CaCertificatePath}");
        return true;
    }
}
