using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Integration.Tests.Servers;

/// <summary>
/// A tiny authoritative DNS server on a loopback UDP port: it publishes itself as the domain's only name server
/// (<c>ns1.&lt;domain&gt;</c> at 127.0.0.1) and answers one A record with whatever <see cref="Value"/> holds, as a
/// provider's servers do while a change propagates. Enough of RFC 1035 for NS and A questions; nothing else.
/// </summary>
internal sealed class LoopbackDnsServer : IDisposable
{
    private const ushort TypeA = 1, TypeNs = 2;
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly string _domain;

    public LoopbackDnsServer(string domain, string value)
    {
        _domain = domain;
        Value = value;
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
    public string NameServer => $"ns1.{_domain}";

    /// <summary>The A record's value as this server answers it now.</summary>
    public volatile string Value;

    /// <summary>How many questions for the A record it answered.</summary>
    public int Asked;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query;
            try
            {
                query = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (Answer(query.Buffer) is { } reply) await _udp.SendAsync(reply, query.RemoteEndPoint);
        }
    }

    private byte[]? Answer(byte[] q)
    {
        if (q.Length < 17) return null;
        var (name, end) = ReadName(q, 12);
        var type = BinaryPrimitives.ReadUInt16BigEndian(q.AsSpan(end));
        var reply = new List<byte>(q[..(end + 4)]);   // header and question, echoed
        reply[2] = (byte)(0x84 | (q[2] & 0x01));       // a response, authoritative, RD copied
        reply[3] = 0;
        reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;
        byte[]? data = (type, name) switch
        {
            (TypeNs, _) when name == _domain => Name(NameServer),
            (TypeA, _) when name == NameServer => IPAddress.Loopback.GetAddressBytes(),
            (TypeA, _) when name != NameServer && name.EndsWith(_domain, StringComparison.OrdinalIgnoreCase) => IPAddress.Parse(Value).GetAddressBytes(),
            _ => null,
        };
        if (data is null) return [.. reply];
        if (type == TypeA && name != NameServer) Interlocked.Increment(ref Asked);
        reply[7] = 1;   // one answer
        reply.AddRange([0xC0, 0x0C]);   // its name: the question's
        reply.AddRange(BigEndian(type));
        reply.AddRange(BigEndian(1));   // IN
        reply.AddRange([0, 0, 0, 30]);   // TTL
        reply.AddRange(BigEndian((ushort)data.Length));
        reply.AddRange(data);
        return [.. reply];
    }

    private static (string Name, int End) ReadName(byte[] q, int at)
    {
        var labels = new List<string>();
        while (q[at] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(q, at + 1, q[at]));
            at += q[at] + 1;
        }
        return (string.Join('.', labels).ToLowerInvariant(), at + 1);
    }

    private static byte[] Name(string name) =>
        [.. name.Split('.').SelectMany(l => new[] { (byte)l.Length }.Concat(Encoding.ASCII.GetBytes(l))), 0];

    private static byte[] BigEndian(ushort v) => [(byte)(v >> 8), (byte)v];

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _stop.Dispose();
    }
}
