using System.Net;
using System.Net.Sockets;

namespace Mesh.Tests.Shared;

/// <summary>Loopback ports for servers and nodes that tests start (compiled into each test project that needs it).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
