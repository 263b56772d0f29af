using System.Text.Json;
using Mesh.Contracts.Configuration;

namespace Mesh.Node.Configuration;

/// <summary>Builds the configuration from the file, <c>MESH_</c> environment variables and the command line, in that order.</summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "MESH_";
    private const string ConfigOption = "--config";

    /// <summary>Builds and validates: the options when valid, and the report (errors and warnings) either way.</summary>
    public static (IConfigurationRoot? Configuration, LoadedConfiguration Loaded) Load(string? configFile, IReadOnlyList<string> overrides, IConfigEnvironment environment)
    {
        var report = new ValidationReport();
        var configuration = Build(configFile, overrides, report);
        return configuration is null
            ? (null, new LoadedConfiguration(null, report))
            : (configuration, MeshConfiguration.Load(configuration, environment));
    }

    private static IConfigurationRoot? Build(string? configFile, IReadOnlyList<string> overrides, ValidationReport report)
    {
        if (string.IsNullOrWhiteSpace(configFile))
        {
            report.Error(ConfigOption, "required, the path of the configuration file");
            return null;
        }
        if (!File.Exists(configFile))
        {
            report.Error(ConfigOption, $"file {configFile} does not exist");
            return null;
        }
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddCommandLine(overrides.ToArray())
                .Build();
        }
        catch (InvalidDataException e) when (FindJsonError(e) is { } json)
        {
            report.Error(ConfigOption, $"{configFile} is not valid JSON (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1})");
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            report.Error(ConfigOption, $"{configFile} cannot be read: {Innermost(e)}");
        }
        return null;
    }

    /// <summary>
    /// What went wrong in the reader's own words (a duplicate key, an array where an object belongs, a denied read),
    /// not the wrapper's "failed to load": the innermost message, which names keys and positions, never values.
    /// </summary>
    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.TrimEnd('.');
    }

    private static JsonException? FindJsonError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is JsonException json) return json;
        return null;
    }
}
