using System.Security.Cryptography.X509Certificates;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Mesh.Actors.Serialization;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Messages;

namespace Mesh.Actors.Hosting;

/// <summary>
/// The one place the mesh's actor system is wired: remoting, cluster membership and (region-aware) downing, the
/// serializer, distributed data with the durable failover state, and the failover coordinator singleton. The node, the demo and the cluster tests all
/// call <see cref="AddHealthMesh"/>, so what the tests prove is what runs.
/// </summary>
public static class MeshHostingExtensions
{
    public static AkkaConfigurationBuilder AddHealthMesh(this AkkaConfigurationBuilder builder, MeshOptions options,
        IConfigEnvironment environment, MeshHostingOverrides? overrides = null)
    {
        overrides ??= new MeshHostingOverrides();
        var node = options.Node;
        var region = options.FindRegion(node.Region) ?? throw new ArgumentException($"Node:Region '{node.Region}' is not among Regions", nameof(options));

        builder
            .ConfigureLoggers(setup =>
            {
                setup.ClearLoggers();
                setup.AddLoggerFactory();
            })
            .AddHocon(ClusterHocon.From(options, [ClusterRoles.Region(region.Name!), ClusterRoles.Node(node.Name!), region.Kind!]), HoconAddMode.Prepend)
            .WithRemoting(RemotingFrom(options, environment))
            .WithClustering(new ClusterOptions
            {
                SeedNodes = node.SeedNodes.Select(s => overrides.ThrottledTransport ? ToThrottled(s) : s).ToArray(),
                // Cluster.ExpectedNodes: a majority of them must be Up before the cluster forms.
                MinimumNumberOfMembers = options.MinimumMembers,
                // No SplitBrainResolver option: downing is the mesh's own provider, configured in ClusterHocon.
            })
            .WithMeshSerialization()
            .WithDurableDistributedData(options);

        if (overrides.ThrottledTransport)
            builder.AddHocon("akka.remote.dot-netty.tcp.applied-adapters = [trttl]", HoconAddMode.Prepend);
        if (!string.IsNullOrWhiteSpace(overrides.ExtraHocon))
            builder.AddHocon(overrides.ExtraHocon, HoconAddMode.Prepend);
        return builder;
    }

    /// <summary>Binds every <see cref="IMeshMessage"/> to the mesh's serializer.</summary>
    public static AkkaConfigurationBuilder WithMeshSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer(MeshMessageSerializer.Name, [typeof(IMeshMessage)], system => new MeshMessageSerializer(system));

    private static Akka.Remote.Hosting.RemoteOptions RemotingFrom(MeshOptions options, IConfigEnvironment environment)
    {
        var node = options.Node;
        var remote = new Akka.Remote.Hosting.RemoteOptions
        {
            HostName = node.Hostname,
            PublicHostName = node.EffectivePublicHostname,
            Port = node.Port,
        };
        var tls = options.Remote.Tls;
        if (tls.Enabled)
        {
            var password = tls.CertificatePassword is { Length: > 0 } p ? Secrets.Resolve(p, environment).Value : null;
            var certificate = LoadNodeCertificate(tls.CertificatePath!, password);
            remote.EnableSsl = true;
            remote.Ssl = new SslOptions
            {
                X509Certificate = certificate,
                SuppressValidation = false,
                RequireMutualAuthentication = true,
                ValidateCertificateHostname = false,
            };
            if (tls.CaCertificatePath is { Length: > 0 } caPath)
            {
                var cas = MeshCaTrust.Load(caPath);
                MeshCaTrust.RequireIssued(certificate, cas, caPath);
                remote.Ssl.CustomValidator = MeshCaTrust.PeersIssuedBy(cas);
            }
        }
        return remote;
    }

    /// <summary>The node's PKCS#12 file; a wrong password or a file of another kind stops the start with one line naming the fields.</summary>
    private static X509Certificate2 LoadNodeCertificate(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // The library's words only (they never contain the password); no inner exception, so that the one line is this one.
            throw new InvalidOperationException(
                $"Remote:Tls:CertificatePath, Remote:Tls:CertificatePassword: cannot open {path} as PKCS#12 with the configured password ({e.Message})");
        }
    }

    private static string ToThrottled(string seed) =>
        seed.Replace("akka.tcp://", "akka.trttl.tcp://", StringComparison.Ordinal);
}
