namespace Mesh.Contracts.Configuration;

/// <summary>Problems found in a configuration, one line each, every line starting with the JSON path it is about.</summary>
public sealed class ValidationReport
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Errors => _errors;
    public IReadOnlyList<string> Warnings => _warnings;
    public bool IsValid => _errors.Count == 0;

    public void Error(string path, string message) => _errors.Add(OneLine($"{path}: {message}"));
    public void Warn(string path, string message) => _warnings.Add(OneLine($"{path}: {message}"));
    internal void AddErrors(IEnumerable<string> lines) => _errors.AddRange(lines.Select(OneLine));

    /// <summary>
    /// A value quoted back from the file may hold a line break or another control character: escaped, so that one
    /// problem stays one line (scripts and operators read them line by line) and nothing odd reaches a terminal.
    /// </summary>
    private static string OneLine(string line) =>
        line.Any(char.IsControl)
            ? string.Concat(line.Select(c => c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(c) => $"\\u{(int)c:x4}", _ => c.ToString() }))
            : line;
}

/// <summary>A loaded configuration: the options when valid, and the report either way.</summary>
public sealed record LoadedConfiguration(MeshOptions? Options, ValidationReport Report);
