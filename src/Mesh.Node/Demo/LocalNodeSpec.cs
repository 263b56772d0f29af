namespace Mesh.Node.Demo;

/// <summary>One node of a mesh on this machine: its name, region, ports and files.</summary>
public sealed record LocalNodeSpec(string Name, string Region, int RemotingPort, int HttpPort, string ConfigPath, string LogPath)
{
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
    public string Address(string clusterName) => $"akka.tcp://{clusterName}@127.0.0.1:{RemotingPort}";
}

/// <summary>Cluster timings for a mesh on one machine; the defaults are short so that the demo and the tests move fast.</summary>
public sealed record LocalMeshTimings(TimeSpan StableAfter, TimeSpan HeartbeatInterval, TimeSpan AcceptableHeartbeatPause)
{
    public static readonly LocalMeshTimings Fast = new(TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3));
}
