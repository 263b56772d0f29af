using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>SPEC 3 Remote.Tls: mutual TLS between nodes, with certificates from the operator's private CA; a node without one cannot join.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MutualTlsJoinTests
{
    [LinuxFact]
    public async Task With_the_CA_trusted_by_the_machine_a_node_whose_certificate_it_did_not_sign_cannot_join()
    {
        var name = $"CN=Health Mesh test CA {Guid.NewGuid():N}, O=Health Mesh tests";
        using var ca = TestCertificateAuthority.Create(name);
        // The same name on another key: copying the CA's name into a certificate of one's own gets nobody in.
        using var lookalike = TestCertificateAuthority.Create(name);
        using var trust = TrustedRoot.Add(ca.Certificate);

        await IntruderScenario.RunAsync(ca, pinCa: false,
            [("sfo3-lookalike", lookalike.Issue("sfo3-lookalike"), lookalike.Certificate), SelfSigned("sfo3-self")],
            "mutual TLS, machine trust: intruders refused, control joined");
    }

    [LinuxFact]
    public async Task With_the_CA_pinned_a_node_whose_certificate_another_CA_the_machine_trusts_signed_cannot_join()
    {
        var name = $"CN=Health Mesh test CA {Guid.NewGuid():N}, O=Health Mesh tests";
        using var ca = TestCertificateAuthority.Create(name);
        using var lookalike = TestCertificateAuthority.Create(name);
        // Stands for the public CAs of the system store: the machine trusts it, the mesh must not. The mesh's own CA is
        // left out of the machine's trust, so Remote:Tls:CaCertificatePath alone lets the CA-signed nodes in.
        using var other = TestCertificateAuthority.Create($"CN=Some public CA {Guid.NewGuid():N}");
        using var trust = TrustedRoot.Add(other.Certificate);

        await IntruderScenario.RunAsync(ca, pinCa: true,
            [("sfo3-other-ca", other.Issue("sfo3-other-ca"), other.Certificate), ("sfo3-lookalike", lookalike.Issue("sfo3-lookalike"), lookalike.Certificate), SelfSigned("sfo3-self")],
            "mutual TLS, pinned CA: intruders refused, control joined");
    }

    private static (string, X509Certificate2, X509Certificate2) SelfSigned(string name)
    {
        var certificate = NodeCertificateRequest.SelfSigned(name);
        return (name, certificate, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }
}
