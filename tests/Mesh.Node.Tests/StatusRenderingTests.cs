using Mesh.Node.Cli;
using Mesh.Node.Status;

namespace Mesh.Node.Tests;

/// <summary><c>health-mesh status</c>'s tables: colour only in judging columns, aligned on the words, and the flags.</summary>
public sealed class StatusRenderingTests
{
    private static readonly string[] Headers = ["TARGET", "STATUS", "ERROR"];
    private static readonly IReadOnlyList<string>[] Rows = [["pg-nyc1", "unhealthy", "refused"], ["app-nyc1", "healthy", ""], ["redis-nyc1", "unknown", "pg-nyc1"]];

    [Fact]
    public void Colour_marks_the_judging_cells_only_and_keeps_the_columns_aligned()
    {
        var plain = TextTable.Render(Headers, Rows).Split(Environment.NewLine);
        var coloured = TextTable.Render(Headers, Rows, Palette.Ansi).Split(Environment.NewLine);

        Assert.Equal("\u001b[31;1munhealthy\u001b[0m", Between(coloured[1], "pg-nyc1", "refused").Trim());
        Assert.Equal("app-nyc1    \u001b[32mhealthy\u001b[0m", coloured[2]);   // the last cell of its line: not padded
        Assert.Contains("\u001b[33munknown  \u001b[0m", coloured[3], StringComparison.Ordinal);
        Assert.Equal("TARGET      STATUS     ERROR", coloured[0]);   // headers and other columns stay plain
        Assert.Equal(plain, coloured.Select(Strip));           // the same table once the escapes are gone
        Assert.DoesNotContain('\u001b', string.Join("", plain));
    }

    [Fact]
    public void Colour_is_off_when_asked_or_when_output_is_not_a_terminal()
    {
        Assert.Same(Palette.None, Palette.For(outputIsTerminal: false, noColorFlag: false));
        Assert.Same(Palette.None, Palette.For(outputIsTerminal: true, noColorFlag: true));
        Assert.Same(Palette.None, Palette.ForWriter(new StringWriter()));
    }

    [Theory]
    [InlineData(new[] { "status", "--url", "http://x:1", "--json" }, true, false)]
    [InlineData(new[] { "status", "--no-color", "--url", "http://x:1" }, false, true)]
    public void Status_flags_take_no_value(string[] args, bool json, bool noColor)
    {
        var (parsed, error) = CommandLine.Parse(args);

        Assert.Null(error);
        Assert.Equal((json, noColor, "http://x:1"), (parsed!.Flag("json"), parsed.Flag("no-color"), parsed.Option("url")));
    }

    [Fact]
    public void A_flag_given_a_value_is_an_error()
    {
        Assert.Equal("--json takes no value", CommandLine.Parse(["status", "--json=yes"]).Error);
    }

    private static string Between(string line, string after, string before)
    {
        var start = line.IndexOf(after, StringComparison.Ordinal) + after.Length;
        return line[start..line.IndexOf(before, start, StringComparison.Ordinal)];
    }

    private static string Strip(string line) => System.Text.RegularExpressions.Regex.Replace(line, "\u001b\\[[0-9;]*m", "");
}
