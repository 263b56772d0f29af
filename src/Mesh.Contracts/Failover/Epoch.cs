using System.Globalization;

namespace Mesh.Contracts.Failover;

/// <summary>
/// A failover decision's epoch (SPEC 6 rule 1): unique and totally ordered, a counter plus the identity
/// of the coordinator incarnation that wrote it, so two coordinators that briefly coexist and both
/// pick counter n still produce different, ordered epochs. The API shows <see cref="Counter"/>.
/// </summary>
public readonly record struct Epoch(long Counter, string Incarnation) : IComparable<Epoch>
{
    public static readonly Epoch Zero = new(0, "");

    public int CompareTo(Epoch other)
    {
        var byCounter = Counter.CompareTo(other.Counter);
        return byCounter != 0 ? byCounter : string.CompareOrdinal(Incarnation ?? "", other.Incarnation ?? "");
    }

    public static bool operator <(Epoch a, Epoch b) => a.CompareTo(b) < 0;
    public static bool operator >(Epoch a, Epoch b) => a.CompareTo(b) > 0;
    public static bool operator <=(Epoch a, Epoch b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Epoch a, Epoch b) => a.CompareTo(b) >= 0;

    /// <summary>The next epoch written by <paramref name="incarnation"/>.</summary>
    public Epoch Next(string incarnation) => new(Counter + 1, incarnation);

    /// <summary>How resources store it: <c>counter/incarnation</c>, e.g. <c>12/3f2a9c</c>.</summary>
    public override string ToString() => $"{Counter.ToString(CultureInfo.InvariantCulture)}/{Incarnation}";

    public static bool TryParse(string? text, out Epoch epoch)
    {
        epoch = Zero;
        if (text is null) return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !long.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var counter)) return false;
        epoch = new Epoch(counter, text[(slash + 1)..]);
        return true;
    }
}
