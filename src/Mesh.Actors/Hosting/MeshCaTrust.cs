using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Which TLS peers remoting admits when Remote:Tls:CaCertificatePath names the mesh's CA (SPEC 3 Remote.Tls: certificates
/// from the operator's private CA). Akka's own check accepts any chain that ends at a root the machine trusts, and the
/// system store holds every public CA: anyone holding a client certificate from one of them would join, vote and grant
/// leases. Here a peer's certificate must chain to one of the configured CAs, and to nothing else.
/// </summary>
internal static class MeshCaTrust
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The CA certificates in <paramref name="path"/>: PEM, one or more (old and new during a CA rotation), or one DER.</summary>
    public static X509Certificate2Collection Load(string path)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) cas.ImportFromPem(text);
            else cas.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }
        catch (CryptographicException e)
        {
            // The node's start reports InvalidOperationException in one line (health-mesh run), not as a crash; no inner
            // exception, or that line would be the inner one's message, without the field.
            throw new InvalidOperationException($"Remote:Tls:CaCertificatePath: {path} is neither PEM certificates nor one DER certificate ({e.Message})");
        }
        return cas;
    }

    /// <summary>
    /// Refuses to start a node whose own certificate the configured CAs did not issue: its peers would refuse it, and
    /// failing here names the cause instead of leaving a node that never joins.
    /// </summary>
    public static void RequireIssued(X509Certificate2 own, X509Certificate2Collection cas, string caPath)
    {
        if (Problem(own, cas, extraCertificates: null) is { } problem)
            throw new InvalidOperationException($"Remote:Tls: this node's certificate ({own.Subject}) is not one the CA in {caPath} issued for a mesh node: {problem}");
    }

    /// <summary>Akka's validator for both ends of a link: a node is the server of the links it accepts and the client of those it opens.</summary>
    public static CertificateValidationCallback PeersIssuedBy(X509Certificate2Collection cas) => (certificate, chain, peer, _, log) =>
    {
        // Akka's own policy errors are ignored on purpose: they judge the chain against the machine's store. The name
        // is not checked either (nodes are addressed by IP, each with its own certificate), as with Remote:Tls unpinned.
        var problem = certificate is null ? "no certificate" : Problem(certificate, cas, chain);
        if (problem is null) return true;
        log.Warning("Refused TLS peer {0} ({1}): {2}", peer, certificate?.Subject ?? "anonymous", problem);
        return false;
    };

    /// <summary>Why <paramref name="certificate"/> is no mesh node's, or null when it is one.</summary>
    private static string? Problem(X509Certificate2 certificate, X509Certificate2Collection cas, X509Chain? extraCertificates)
    {
        // Every node uses its certificate as server and as client, so it needs both usages (no extension: any usage).
        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } usages)
        {
            var oids = usages.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!oids.Contains(ServerAuth.Value) || !oids.Contains(ClientAuth.Value)) return "its extended key usage lacks serverAuth or clientAuth";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        // As Akka's own check: no revocation lookups (a private CA rarely serves them); a leaked node certificate means a new CA (deploy/README.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the peer sent: TLS hands them over in the chain it built; under CustomRootTrust none of them is trusted by being there.
        if (extraCertificates is not null)
            foreach (var element in extraCertificates.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(certificate)) return null;
        var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
        return $"it does not chain to the mesh's CA ({string.Join(", ", statuses)}; issuer {certificate.Issuer})";
    }
}
