using System.Net.Sockets;

namespace Mesh.Actors.Probes;

/// <summary>Exceptions from probes turned into words an operator can act on, without stack traces or secrets.</summary>
public static class ProbeErrors
{
    public static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        OperationCanceledException or TimeoutException => $"timed out after {timeout.TotalMilliseconds:0} ms",
        HttpRequestException { InnerException: SocketException s } => Socket(s),
        HttpRequestException h => $"HTTP request failed ({h.HttpRequestError})",
        SocketException s => Socket(s),
        _ when e.InnerException is SocketException s => Socket(s),
        _ => FirstLine(e.Message),
    };

    private static string Socket(SocketException s) => s.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host name not found",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.ConnectionReset => "connection reset by the server",
        _ => $"network error ({s.SocketErrorCode})",
    };

    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end >= 0 ? message[..end] : message).Trim();
    }
}
