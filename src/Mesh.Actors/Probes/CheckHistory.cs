using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>The last checks of one probe, in a fixed ring: recording a check allocates nothing beyond the record.</summary>
public sealed class CheckHistory(int capacity)
{
    private readonly CheckRecord[] _ring = new CheckRecord[capacity];
    private int _next;
    private int _count;

    public int Count => _count;

    public void Add(CheckRecord record)
    {
        _ring[_next] = record;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    /// <summary>Most recent first.</summary>
    public IReadOnlyList<CheckRecord> ToList()
    {
        var list = new List<CheckRecord>(_count);
        for (var i = 1; i <= _count; i++) list.Add(_ring[(_next - i + _ring.Length) % _ring.Length]);
        return list;
    }
}
