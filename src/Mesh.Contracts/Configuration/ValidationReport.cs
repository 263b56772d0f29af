namespace Mesh.Contracts.Configuration;

/// <summary>Problems found in a configuration, one line each, every line starting with the JSON path it is about.</summary>
public sealed class ValidationReport
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Errors => _errors;
    public IReadOnlyList<string> Warnings => _warnings;
    public bool IsValid => _errors.Count == 0;

    public void Error(string path, string message) => _errors.Add($"{path}: {message}");
    public void Warn(string path, string message) => _warnings.Add($"{path}: {message}");
    internal void AddErrors(IEnumerable<string> lines) => _errors.AddRange(lines);
}

/// <summary>A loaded configuration: the options when valid, and the report either way.</summary>
public sealed record LoadedConfiguration(MeshOptions? Options, ValidationReport Report);
