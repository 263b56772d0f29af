namespace Mesh.Node;

/// <summary>How a node's actor system ended.</summary>
public sealed class NodeShutdown
{
    /// <summary>The cluster downed this node (rather than a SIGTERM or Ctrl-C asking it to leave).</summary>
    public volatile bool Downed;
}
