using System.Net;
using System.Net.Sockets;

namespace Mesh.Contracts.Configuration;

/// <summary>Which addresses may carry unauthenticated remoting: loopback and private ranges only.</summary>
public static class NetworkAddresses
{
    public static bool IsLoopbackOrPrivate(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return false; // a DNS name may resolve anywhere
        if (IPAddress.IsLoopback(ip)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            return ip.IsIPv6UniqueLocal || ip.IsIPv6LinkLocal || (ip.IsIPv4MappedToIPv6 && IsPrivateV4(ip.MapToIPv4()));
        return IsPrivateV4(ip);
    }

    private static bool IsPrivateV4(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return b[0] == 10
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)   // carrier-grade NAT, used by some VPCs
            || (b[0] == 169 && b[1] == 254)
            || b[0] == 127;
    }
}
