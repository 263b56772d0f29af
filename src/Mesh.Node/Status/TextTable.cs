namespace Mesh.Node.Status;

/// <summary>A plain aligned text table, as operators read in a terminal or paste into a ticket.</summary>
public static class TextTable
{
    /// <param name="palette">Colours the judging columns of the rows (widths are measured on the plain text); none by default.</param>
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, Palette? palette = null)
    {
        var body = rows.ToList();
        var widths = headers.Select((h, i) => body.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        // Trailing empty cells are left out and the last cell is not padded: no line ends in blanks, coloured or not.
        string Line(IReadOnlyList<string> r, Palette p)
        {
            var last = r.Count - 1;
            while (last > 0 && r[last].Length == 0) last--;
            return string.Join("  ", r.Take(last + 1).Select((cell, i) => p.Cell(headers[i], cell, i == last ? cell : cell.PadRight(widths[i]))));
        }
        return string.Join(Environment.NewLine, body.Select(r => Line(r, palette ?? Palette.None)).Prepend(Line(headers, Palette.None)));
    }
}
