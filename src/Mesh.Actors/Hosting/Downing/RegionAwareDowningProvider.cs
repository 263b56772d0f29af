using Akka.Actor;
using Akka.Cluster;

namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// The mesh's downing provider (<c>akka.cluster.downing-provider-class</c>), in place of Akka's
/// split brain resolver: SPEC 6 rule 12, decided by <see cref="RegionAwareDowning"/> and carried out by
/// <see cref="RegionAwareDowningActor"/>, which the cluster starts as a child of its core daemon.
/// </summary>
public sealed class RegionAwareDowningProvider : IDowningProvider
{
    public const string ClassName = "Mesh.Actors.Hosting.Downing.RegionAwareDowningProvider, Mesh.Actors";

    private readonly RegionAwareDowningSettings _settings;

    // Akka 1.5 creates the provider with (system, cluster); the one-argument form is the older contract.
    // Neither touches Cluster.Get: the provider is created while the cluster extension is being built.
    public RegionAwareDowningProvider(ActorSystem system, Cluster cluster) : this(system) => ArgumentNullException.ThrowIfNull(cluster);

    public RegionAwareDowningProvider(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        GossipReachability.EnsureReadable();
        _settings = RegionAwareDowningSettings.From(system.Settings.Config);
    }

    /// <summary>
    /// How long singletons and shards wait after a member is removed before starting elsewhere, so the downed
    /// side has stopped first: <c>akka.cluster.down-removal-margin</c> when set, else StableAfter (as Akka's resolver does).
    /// </summary>
    public TimeSpan DownRemovalMargin => _settings.DownRemovalMargin ?? _settings.StableAfter;

    public Props DowningActorProps => Props.Create(() => new RegionAwareDowningActor(_settings));
}
