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
/// Two CA-signed seeds form a cluster; intruders try to join through them for a while; then a CA-signed control node
/// joins through the same seeds while the intruders keep trying. No node may ever list an intruder. Every node starts
/// from a MeshOptions with Remote:Tls on, through the production AddHealthMesh, so the certificate file, its password
/// (a <c>file:</c> secret reference) and the validation settings all take the product's path.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class IntruderScenario
{
    /// <summary>How long the intruders try before the control node does; with the test timings (seed-node-timeout 2 s, retry after 1 s) that is several attempts each.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(30);

    /// <param name="ca">The mesh's CA: it signs the seeds' and the control node's certificates.</param>
    /// <param name="pinCa">Name <paramref name="ca"/> in Remote:Tls:CaCertificatePath; otherwise the machine's trust decides.</param>
    /// <param name="intruders">
    /// The nodes that must not get in: name, certificate (with key), and the CA that issued it (itself when self-signed). With
    /// <paramref name="pinCa"/> an intruder names that CA and the mesh's in its own Remote:Tls:CaCertificatePath: it starts, and
    /// it accepts the seeds, so that only the seeds can be the ones refusing it.
    /// </param>
    public static async Task RunAsync(TestCertificateAuthority ca, bool pinCa, IReadOnlyList<(string Name, X509Certificate2 Certificate, X509Certificate2 Issuer)> intruders,
        string measurement)
    {
        var clock = Stopwatch.StartNew();
        var dataRoot = TestMesh.NewDataRoot();
        var started = new List<(TestNode Node, WarningLog Log)>();
        try
        {
            var files = new CertificateFiles(Path.Combine(dataRoot, "tls"));
            var meshCa = pinCa ? files.WriteCas("mesh-ca", ca.Certificate) : null;
            (string Node, string Region, int Port)[] seedNodes = [("nyc1-a", "nyc1", FreePorts.Next()), ("ams3-a", "ams3", FreePorts.Next())];
            var seeds = seedNodes.Select(m => $"{AkkaAddresses.SslTcp}://health-mesh@127.0.0.1:{m.Port}").ToArray();
            var overrides = new MeshHostingOverrides { ExtraHocon = TestMesh.ExtraHocon(serializeMessages: false) };
            string Logs() => WarningsOf(started);

            async Task<TestNode> StartAsync(string name, string region, TlsOptions tls, string dataDir, int? port = null)
            {
                var options = TestMesh.Options(name, region, port ?? FreePorts.Next(), seeds, Path.Combine(dataRoot, dataDir)) with { Remote = new RemoteOptions { Tls = tls } };
                // The test layout is not a whole deployable config (no DNS, say); what it says about remoting must pass.
                var remotingErrors = MeshOptionsValidator.Validate(options, SystemConfigEnvironment.Instance).Errors
                    .Where(e => e.StartsWith("Mesh:Remote", StringComparison.Ordinal) || e.StartsWith("Mesh:Node", StringComparison.Ordinal)).ToList();
                Assert.True(remotingErrors.Count == 0, string.Join("\n", remotingErrors));
                var log = new WarningLog();
                var node = await TestNode.StartAsync(options, overrides, new PassingProbes(), s => s.AddSingleton<ILoggerProvider>(log));
                lock (started) started.Add((node, log));
                return node;
            }

            TlsOptions Tls(string name, X509Certificate2 certificate, string? caPath)
            {
                using (certificate)
                    return new TlsOptions { Enabled = true, CertificatePath = files.Write(name, certificate), CertificatePassword = files.PasswordReference, CaCertificatePath = caPath };
            }

            var mesh = await Task.WhenAll(seedNodes.Select(m => StartAsync(m.Node, m.Region, Tls(m.Node, ca.Issue(m.Node), meshCa), m.Node, m.Port)));
            await TestMesh.AwaitAsync(() => mesh.All(n => UpCount(n) == mesh.Length), UpTimeout, () => $"the two CA-signed seeds form a cluster\n{Logs()}");

            var intruderTls = intruders.ToDictionary(i => i.Name, i => Tls(i.Name, i.Certificate, pinCa ? files.WriteCas(i.Name + "-cas", ca.Certificate, i.Issuer) : null));
            var refused = new RestartingIntruders([.. intruderTls.Keys], (name, incarnation) => StartAsync(name, "sfo3", intruderTls[name], $"{name}-{incarnation}"));
            await refused.StartAsync();

            // Fails the test as soon as any node lets an intruder in, at any point of the window or of the control's join.
            async Task NoIntruderAdmittedAsync()
            {
                foreach (var node in mesh)
                {
                    var state = node.Cluster.State;
                    var seen = state.Members.Concat(state.Unreachable).Where(m => refused.Holds(m.Address)).ToList();
                    Assert.True(seen.Count == 0, $"{node.Name} lists {string.Join(", ", seen)}\n{Logs()}");
                }
                refused.AssertNoneUp(Logs);
                await refused.KeepTryingAsync(Logs);
            }

            var windowEnds = DateTime.UtcNow + Window;
            while (DateTime.UtcNow < windowEnds)
            {
                await NoIntruderAdmittedAsync();
                await Task.Delay(100);
            }

            // The positive control: the same configuration with a CA-signed certificate, through the same seeds, while the
            // intruders keep trying. It joining proves the seeds admitted joins all along; only the certificate differs.
            var control = await StartAsync("sfo3-w", "sfo3", Tls("sfo3-w", ca.Issue("sfo3-w"), meshCa), "sfo3-w");
            var all = mesh.Append(control).ToArray();
            await TestMesh.AwaitAsync(async () =>
            {
                await NoIntruderAdmittedAsync();
                return all.All(n => UpCount(n) == all.Length);
            }, UpTimeout, () => $"the CA-signed control node joins through the same seeds\n{Logs()}");
            await NoIntruderAdmittedAsync();
            Measurements.Record($"{measurement} (intruder incarnations Akka stopped on a refused handshake: {refused.TlsStops})", clock.Elapsed);
        }
        finally
        {
            await Task.WhenAll(started.Select(n => n.Node.DisposeAsync().AsTask()));
            TestMesh.DeleteDataRoot(dataRoot);
        }
    }

    private static int UpCount(TestNode node) => node.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    private static string WarningsOf(List<(TestNode Node, WarningLog Log)> nodes)
    {
        lock (nodes) return string.Join("\n", nodes.Select(n => $"--- {n.Node.Name} warnings\n" + string.Join("\n", n.Log.Lines.TakeLast(20))));
    }
}
