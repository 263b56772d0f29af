using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Akka.Cluster;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Configuration;
using Mesh.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>
/// SPEC 3 Remote.Tls: mutual TLS between nodes, with certificates from the operator's private CA. Nodes start from a
/// MeshOptions with Remote:Tls on, through the production AddHealthMesh, so the certificate file, its password (a
/// secret reference) and the validation settings all take the product's path.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MutualTlsJoinTests
{
    /// <summary>How long the intruders try to join before the control node does; with the test timings (seed-node-timeout 2 s, retry after 1 s) that is several attempts each.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(30);

    [LinuxFact]
    public async Task A_node_whose_certificate_the_mesh_CA_did_not_sign_cannot_join_through_a_seed_that_admits_a_signed_one()
    {
        var clock = Stopwatch.StartNew();
        var caName = $"CN=Health Mesh test CA {Guid.NewGuid():N}, O=Health Mesh tests";
        using var ca = TestCertificateAuthority.Create(caName);
        // The same name on another key: an intruder cannot pass by copying the CA's name into its own.
        using var lookalike = TestCertificateAuthority.Create(caName);
        var dataRoot = TestMesh.NewDataRoot();
        var started = new List<(TestNode Node, WarningLog Log)>();
        using var trust = TrustedRoot.Add(ca.Certificate);
        try
        {
            var files = new CertificateFiles(Path.Combine(dataRoot, "tls"));
            (string Node, string Region, int Port)[] members = [("nyc1-a", "nyc1", FreePorts.Next()), ("ams3-a", "ams3", FreePorts.Next())];
            var control = (Node: "sfo3-w", Region: "sfo3", Port: FreePorts.Next());
            var seeds = members.Select(m => $"{AkkaAddresses.SslTcp}://health-mesh@127.0.0.1:{m.Port}").ToArray();
            var overrides = new MeshHostingOverrides { ExtraHocon = TestMesh.ExtraHocon(serializeMessages: false) };

            async Task<TestNode> StartAsync(string name, string region, int port, X509Certificate2 certificate)
            {
                string path;
                using (certificate) path = files.Write(name, certificate);
                var options = TestMesh.Options(name, region, port, seeds, Path.Combine(dataRoot, name)) with
                {
                    Remote = new RemoteOptions { Tls = new TlsOptions { Enabled = true, CertificatePath = path, CertificatePassword = files.PasswordReference } },
                };
                // The test layout is not a whole deployable config (no DNS, say); what it says about remoting must pass.
                var remotingErrors = MeshOptionsValidator.Validate(options, SystemConfigEnvironment.Instance).Errors
                    .Where(e => e.StartsWith("Mesh:Remote", StringComparison.Ordinal) || e.StartsWith("Mesh:Node", StringComparison.Ordinal)).ToList();
                Assert.True(remotingErrors.Count == 0, string.Join("\n", remotingErrors));
                var log = new WarningLog();
                var node = await TestNode.StartAsync(options, overrides, new PassingProbes(), s => s.AddSingleton<ILoggerProvider>(log));
                lock (started) started.Add((node, log));
                return node;
            }

            var mesh = await Task.WhenAll(members.Select(m => StartAsync(m.Node, m.Region, m.Port, ca.Issue(m.Node))));
            await TestMesh.AwaitAsync(() => mesh.All(n => UpCount(n) == mesh.Length), UpTimeout, "the two CA-signed seeds form a cluster");
            var formed = clock.Elapsed;

            var intruders = await Task.WhenAll(
                StartAsync("sfo3-lookalike", "sfo3", FreePorts.Next(), lookalike.Issue("sfo3-lookalike")),
                StartAsync("sfo3-self", "sfo3", FreePorts.Next(), NodeCertificateRequest.SelfSigned("sfo3-self")));
            var intruderAddresses = intruders.Select(i => i.Address).ToHashSet();

            // Fails the test as soon as any node lets an intruder in, at any point of the window or the control's join.
            void NoIntruderAdmitted()
            {
                foreach (var node in mesh)
                {
                    var state = node.Cluster.State;
                    var seen = state.Members.Concat(state.Unreachable).Where(m => intruderAddresses.Contains(m.Address)).ToList();
                    Assert.True(seen.Count == 0, $"{node.Name} lists {string.Join(", ", seen)}\n{Logs(started)}");
                }
                foreach (var intruder in intruders)
                {
                    // An intruder whose actor system had stopped would be refused for the wrong reason.
                    Assert.False(intruder.System.WhenTerminated.IsCompleted, $"{intruder.Name} stopped");
                    Assert.True(intruder.Cluster.State.Members.All(m => m.Status != MemberStatus.Up),
                        $"{intruder.Name} sees Up members: {string.Join(", ", intruder.Cluster.State.Members)}\n{Logs(started)}");
                }
            }

            var windowEnds = DateTime.UtcNow + Window;
            while (DateTime.UtcNow < windowEnds)
            {
                NoIntruderAdmitted();
                await Task.Delay(100);
            }

            // The positive control: the same configuration with a CA-signed certificate, through the same seeds, while
            // the intruders keep trying. It joining proves the seeds admitted joins all along; only the certificate differs.
            var controlNode = await StartAsync(control.Node, control.Region, control.Port, ca.Issue(control.Node));
            var all = mesh.Append(controlNode).ToArray();
            await TestMesh.AwaitAsync(() =>
            {
                NoIntruderAdmitted();
                return all.All(n => UpCount(n) == all.Length);
            }, UpTimeout, () => $"the CA-signed control node joins through the same seeds\n{Logs(started)}");
            NoIntruderAdmitted();
            Assert.All(intruders, i => Assert.NotEqual(MemberStatus.Up, i.Cluster.SelfMember.Status));

            Measurements.Record("mutual TLS: two seeds formed", formed);
            Measurements.Record("mutual TLS: intruders refused, control joined", clock.Elapsed);
        }
        finally
        {
            await Task.WhenAll(started.Select(n => n.Node.DisposeAsync().AsTask()));
            TestMesh.DeleteDataRoot(dataRoot);
        }
    }

    private static int UpCount(TestNode node) => node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    private static string Logs(List<(TestNode Node, WarningLog Log)> nodes)
    {
        lock (nodes) return string.Join("\n", nodes.Select(n => $"--- {n.Node.Name} warnings\n" + string.Join("\n", n.Log.Lines.TakeLast(20))));
    }
}
