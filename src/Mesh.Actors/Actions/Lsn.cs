using System.Globalization;

namespace Mesh.Actors.Actions;

/// <summary>WAL positions as PostgreSQL writes them (<c>16/B374D848</c>), for results an operator reads.</summary>
public static class Lsn
{
    public static string Format(ulong lsn) =>
        string.Create(CultureInfo.InvariantCulture, $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}");

    public static string Format(ulong? lsn) => lsn is { } value ? Format(value) : "none";
}
