using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Mesh.Actors.Hosting;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>The peer check behind Remote:Tls:CaCertificatePath, on certificates made here; the cluster test runs it over real links.</summary>
public sealed class MeshCaTrustTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create($"CN=Health Mesh test CA {Guid.NewGuid():N}");
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-ca-trust-").FullName;

    [Fact]
    public void A_node_certificate_the_CA_issued_is_admitted_and_any_other_is_refused()
    {
        using var other = TestCertificateAuthority.Create($"CN=Another CA {Guid.NewGuid():N}");
        using var lookalike = TestCertificateAuthority.Create(_ca.Subject);
        var admit = MeshCaTrust.PeersIssuedBy([_ca.Certificate]);

        Assert.True(Admits(admit, _ca.Issue("nyc1-a")));
        Assert.False(Admits(admit, other.Issue("nyc1-a")));
        Assert.False(Admits(admit, lookalike.Issue("nyc1-a")));
        Assert.False(Admits(admit, NodeCertificateRequest.SelfSigned("nyc1-a")));
        // A web server's certificate from the same CA cannot open links to other nodes, so it is no node's.
        Assert.False(Admits(admit, _ca.Issue("www", clientAuth: false)));
        Assert.False(admit(null, null, "127.0.0.1:1", System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
    }

    [Fact]
    public void During_a_CA_rotation_a_PEM_file_with_both_CAs_admits_certificates_from_either()
    {
        using var next = TestCertificateAuthority.Create($"CN=Health Mesh next CA {Guid.NewGuid():N}");
        var path = Path.Combine(_directory, "cas.pem");
        File.WriteAllText(path, _ca.Certificate.ExportCertificatePem() + "\n" + next.Certificate.ExportCertificatePem() + "\n");

        var admit = MeshCaTrust.PeersIssuedBy(MeshCaTrust.Load(path));

        Assert.True(Admits(admit, _ca.Issue("nyc1-a")));
        Assert.True(Admits(admit, next.Issue("nyc1-a")));
    }

    [Fact]
    public void A_DER_file_holds_one_CA()
    {
        var path = Path.Combine(_directory, "ca.der");
        File.WriteAllBytes(path, _ca.Certificate.RawData);

        Assert.Equal(_ca.Certificate.Thumbprint, Assert.Single(MeshCaTrust.Load(path)).Thumbprint);
    }

    [Fact]
    public void A_file_that_holds_no_certificate_stops_the_node_with_its_path()
    {
        var path = Path.Combine(_directory, "ca.crt");
        File.WriteAllText(path, "not a certificate\n");

        var e = Assert.Throws<InvalidOperationException>(() => MeshCaTrust.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_whose_own_certificate_another_CA_issued_does_not_start()
    {
        using var other = TestCertificateAuthority.Create($"CN=Another CA {Guid.NewGuid():N}");
        using var own = other.Issue("nyc1-a");
        using var issued = _ca.Issue("nyc1-a");

        MeshCaTrust.RequireIssued(issued, [_ca.Certificate], "/etc/health-mesh/ca.crt");
        var e = Assert.Throws<InvalidOperationException>(() => MeshCaTrust.RequireIssued(own, [_ca.Certificate], "/etc/health-mesh/ca.crt"));
        Assert.Contains("/etc/health-mesh/ca.crt", e.Message, StringComparison.Ordinal);
    }

    private static bool Admits(Akka.Remote.Transport.DotNetty.CertificateValidationCallback admit, X509Certificate2 certificate)
    {
        using (certificate) return admit(certificate, null, "127.0.0.1:1", System.Net.Security.SslPolicyErrors.None, NoLogger.Instance);
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
