namespace Mesh.Actors.Hosting;

/// <summary>What tests change in the production wiring, and nothing else.</summary>
public sealed record MeshHostingOverrides
{
    /// <summary>HOCON that takes precedence over everything (fast timings, serialize-messages).</summary>
    public string? ExtraHocon { get; init; }

    /// <summary>
    /// Route remoting through Akka.Remote's throttle transport adapter, so a test can blackhole the
    /// links between nodes. Addresses then use the <c>akka.trttl.tcp</c> protocol.
    /// </summary>
    public bool ThrottledTransport { get; init; }
}
