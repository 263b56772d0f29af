namespace Mesh.Contracts.Configuration;

/// <summary>What validation reads outside the configuration: <c>env:</c> and <c>file:</c> secrets, files it must find. Tests pass a fake.</summary>
public interface IConfigEnvironment
{
    string? GetEnvironmentVariable(string name);
    /// <summary>The file's text; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    string ReadFile(string path);
    bool FileExists(string path);
}

public sealed class SystemConfigEnvironment : IConfigEnvironment
{
    public static readonly SystemConfigEnvironment Instance = new();
    public string? GetEnvironmentVariable(string name) => Environment.GetEnvironmentVariable(name);
    public string ReadFile(string path) => File.ReadAllText(path);
    public bool FileExists(string path) => File.Exists(path);
}

/// <summary>The outcome of resolving one secret: its value, or why it could not be had (never the value).</summary>
public readonly record struct SecretResolution(string? Value, string? Error)
{
    public bool Ok => Error is null;
    public override string ToString() => Ok ? "SecretResolution { resolved }" : $"SecretResolution {{ Error = {Error} }}";
}

public static class Secrets
{
    private const string EnvPrefix = "env:";
    private const string FilePrefix = "file:";

    public static bool IsReference(string? value) =>
        value is not null && (value.StartsWith(EnvPrefix, StringComparison.Ordinal) || value.StartsWith(FilePrefix, StringComparison.Ordinal));

    /// <summary>What logs and ToString show in place of a secret.</summary>
    public static string Mask(string? value) => value is null ? "null" : "***";

    /// <summary>Resolves <c>env:NAME</c> and <c>file:/path</c>; any other value is taken literally.</summary>
    public static SecretResolution Resolve(string value, IConfigEnvironment source)
    {
        if (value.StartsWith(EnvPrefix, StringComparison.Ordinal))
        {
            var name = value[EnvPrefix.Length..];
            if (name.Length == 0) return new(null, "env: needs a variable name");
            var found = source.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(found)
                ? new(null, $"environment variable {name} is not set")
                : new(found, null);
        }
        if (value.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            var path = value[FilePrefix.Length..];
            if (path.Length == 0) return new(null, "file: needs a path");
            try
            {
                var text = source.ReadFile(path).TrimEnd('\r', '\n');
                return text.Length == 0 ? new(null, $"file {path} is empty") : new(text, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new(null, $"file {path} cannot be read ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})");
            }
        }
        return new(value, null);
    }
}
