using System.Security.Cryptography;
using System.Text;

namespace Mesh.Actors.DurableData;

/// <summary>
/// One durable entry as one file: the key, the serializer that wrote the payload, and a SHA-256 over
/// everything, so a damaged file is refused instead of loaded. A write goes to a temporary file that
/// is flushed to disk, renamed over the old one (atomic), and the folder is flushed too: after a
/// crash the file holds either the old entry or the new one, never a mix, and an acknowledged write
/// survives power loss.
/// </summary>
internal static class DurableFile
{
    public const string Extension = ".ddata";
    public const string TemporaryExtension = ".tmp";
    private static readonly byte[] Magic = "HMDD"u8.ToArray();
    private const byte FormatVersion = 1;

    public sealed record Entry(string Key, int SerializerId, string Manifest, byte[] Payload);

    public static string PathFor(string directory, string key) => Path.Combine(directory, FileName(key) + Extension);

    public static void Write(string directory, Entry entry)
    {
        var path = PathFor(directory, entry.Key);
        var temporary = path + TemporaryExtension;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encode(entry));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(directory);
    }

    public static Entry Read(string path) => Decode(File.ReadAllBytes(path), path);

    public static byte[] Encode(Entry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(entry.Key);
            writer.Write(entry.SerializerId);
            writer.Write(entry.Manifest);
            writer.Write(entry.Payload.Length);
            writer.Write(entry.Payload);
        }
        var body = buffer.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    public static Entry Decode(byte[] bytes, string path)
    {
        const int hashLength = 32;
        if (bytes.Length < Magic.Length + 1 + hashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a durable data file of the mesh");
        var body = bytes.AsSpan(0, bytes.Length - hashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashLength)))
            throw new InvalidDataException($"{path} is damaged (its checksum does not match)");
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadByte();
        if (version != FormatVersion)
            throw new InvalidDataException($"{path} has format version {version}; this node reads version {FormatVersion}");
        var key = reader.ReadString();
        var serializerId = reader.ReadInt32();
        var manifest = reader.ReadString();
        var payload = reader.ReadBytes(reader.ReadInt32());
        return new Entry(key, serializerId, manifest, payload);
    }

    // Readable names for ordinary keys; anything else (path separators, dots, non-ASCII) as ~XX per UTF-8 byte.
    private static string FileName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') name.Append(c);
            else name.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return name.ToString();
    }
}
