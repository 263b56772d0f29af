namespace Mesh.Node.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A runtime failure: the mesh is unreachable, or this node was downed and must be restarted.</summary>
    public const int Failure = 1;
    /// <summary>Bad input: an invalid configuration or command line. Nothing was started.</summary>
    public const int Invalid = 2;
}
