using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>A request for a node's certificate, with the extensions a private CA's node certificates carry.</summary>
internal static class NodeCertificateRequest
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "serverAuth");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "clientAuth");

    /// <param name="clientAuth">False for a certificate that only serves, as a web server's does.</param>
    public static CertificateRequest For(string node, ECDsa key, bool clientAuth = true)
    {
        var request = new CertificateRequest($"CN={node}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // One certificate serves both ends of a link: a node accepts connections (server) and opens them (client).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(clientAuth ? [ServerAuth, ClientAuth] : [ServerAuth], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>A node certificate signed by its own key: what a node has when nobody issued it one.</summary>
    public static X509Certificate2 SelfSigned(string node)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return For(node, key).CreateSelfSigned(TestCertificateAuthority.NotBefore, TestCertificateAuthority.NotAfter);
    }
}
