using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>An operator's private CA, made afresh for one test: it signs the node certificates.</summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    // An hour is enough for one test, and a CA left trusted by a test process that was killed expires soon.
    public static DateTimeOffset NotBefore { get; } = DateTimeOffset.UtcNow.AddMinutes(-5);
    public static DateTimeOffset NotAfter { get; } = DateTimeOffset.UtcNow.AddHours(1);

    private readonly X509Certificate2 _withKey;

    private TestCertificateAuthority(X509Certificate2 withKey)
    {
        _withKey = withKey;
        Certificate = X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    /// <summary>The CA's certificate without its key: what an operator installs as trusted.</summary>
    public X509Certificate2 Certificate { get; }

    public string Subject => Certificate.Subject;

    /// <param name="subject">The distinguished name; another CA's to make a look-alike that only its key tells apart.</param>
    public static TestCertificateAuthority Create(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestCertificateAuthority(request.CreateSelfSigned(NotBefore, NotAfter));
    }

    /// <summary>A certificate for <paramref name="node"/>, with its private key.</summary>
    public X509Certificate2 Issue(string node, bool clientAuth = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = NodeCertificateRequest.For(node, key, clientAuth);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_withKey, true, false));
        using var issued = request.Create(_withKey, NotBefore, NotAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _withKey.Dispose();
    }
}
