namespace Mesh.Node.Status;

/// <summary>
/// Colour for <c>health-mesh status</c>: the cells that say whether something is well (status, verdict, reachable,
/// eligible, a phase) in green, yellow or red, as ANSI escapes, only when the output is a terminal that shows them.
/// The words stay: colour repeats what the text says, never replaces it.
/// </summary>
public sealed class Palette
{
    private const string Reset = "\u001b[0m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Red = "\u001b[31;1m";

    private static readonly HashSet<string> ColouredColumns = new(StringComparer.Ordinal) { "STATUS", "VERDICT", "REACHABLE", "ELIGIBLE" };
    private static readonly HashSet<string> Good = new(StringComparer.Ordinal) { "healthy", "up", "Up", "yes", "ok", "idle", "completed" };
    private static readonly HashSet<string> Bad = new(StringComparer.Ordinal) { "unhealthy", "down", "Down", "no", "NO", "failed", "blocked", "Removed" };
    private static readonly HashSet<string> Doubtful = new(StringComparer.Ordinal)
        { "unknown", "Joining", "WeaklyUp", "Leaving", "Exiting", "pending", "skipped", "suspect", "fencing", "promoting", "switching-dns" };

    private readonly bool _enabled;

    private Palette(bool enabled) => _enabled = enabled;

    public static readonly Palette None = new(false);
    public static readonly Palette Ansi = new(true);

    /// <summary>Colour when the output is a terminal, <c>NO_COLOR</c> is unset (no-color.org) and <c>TERM</c> is not <c>dumb</c>.</summary>
    public static Palette For(bool outputIsTerminal, bool noColorFlag) =>
        outputIsTerminal && !noColorFlag && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") is not "dumb" ? Ansi : None;

    /// <summary>Colour for what is written to <paramref name="writer"/>: only the console, and only when it is a terminal.</summary>
    public static Palette ForWriter(TextWriter writer, bool noColorFlag = false) =>
        For(ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected, noColorFlag);

    /// <summary>The padded cell of column <paramref name="header"/>, coloured by its value when the column is one that judges.</summary>
    public string Cell(string header, string value, string padded) =>
        _enabled && ColouredColumns.Contains(header) && Code(value) is { } code ? code + padded + Reset : padded;

    /// <summary>A word that judges (a phase, a status), coloured.</summary>
    public string Word(string value) => _enabled && Code(value) is { } code ? code + value + Reset : value;

    private static string? Code(string value) =>
        Good.Contains(value) ? Green : Bad.Contains(value) ? Red : Doubtful.Contains(value) ? Yellow : null;
}
