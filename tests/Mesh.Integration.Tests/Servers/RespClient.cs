using System.Net.Sockets;
using System.Text;

namespace Mesh.Integration.Tests.Servers;

/// <summary>
/// A bare Redis client, as an application holds one: one connection that sends what it is told and reads the
/// answer. StackExchange.Redis would refuse, on its own side, to send a write to a server it knows is a replica;
/// this shows what the server itself answers. Answers come back as text: "OK", "-READONLY ...", "1", a bulk
/// string, or null for a nil; an array's elements joined by newlines.
/// </summary>
internal sealed class RespClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private RespClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    /// <summary>Connects, authenticates and names the connection (as CLIENT LIST shows it).</summary>
    public static async Task<RespClient> ConnectAsync(int port, string password, string name)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var client = new RespClient(tcp);
        Assert.Equal("OK", await client.SendAsync("AUTH", password));
        Assert.Equal("OK", await client.SendAsync("CLIENT", "SETNAME", name));
        return client;
    }

    public async Task<string?> SendAsync(params string[] args)
    {
        var command = new StringBuilder($"*{args.Length}\r\n");
        foreach (var a in args) command.Append($"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n");
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()));
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        return await ReadAsync(timeout.Token);
    }

    /// <summary>Whether the server has closed this connection: a PING finds the stream at its end or reset.</summary>
    public async Task<bool> IsDisconnectedAsync()
    {
        try
        {
            await SendAsync("PING");
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
        {
            return true;
        }
    }

    private async Task<string?> ReadAsync(CancellationToken ct)
    {
        var line = await _reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the server closed the connection");
        switch (line[0])
        {
            case '+' or ':': return line[1..];
            case '-': return line;
            case '$':
                var length = int.Parse(line[1..]);
                if (length < 0) return null;
                var buffer = new char[length];
                var read = 0;
                while (read < length) read += await _reader.ReadAsync(buffer.AsMemory(read), ct);
                await _reader.ReadLineAsync(ct);
                return new string(buffer);
            case '*':
                var count = int.Parse(line[1..]);
                var items = new List<string?>();
                for (var i = 0; i < count; i++) items.Add(await ReadAsync(ct));
                return string.Join('\n', items);
            default: throw new InvalidDataException($"not a RESP answer: {line}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
