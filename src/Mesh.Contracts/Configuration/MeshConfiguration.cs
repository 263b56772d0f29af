using Microsoft.Extensions.Configuration;

namespace Mesh.Contracts.Configuration;

/// <summary>Turns the merged configuration (file, MESH_ environment, command line) into validated options.</summary>
public static class MeshConfiguration
{
    public static LoadedConfiguration Load(IConfiguration configuration, IConfigEnvironment environment)
    {
        var report = new ValidationReport();
        var section = configuration.GetSection(MeshOptions.SectionName);
        if (!section.Exists())
        {
            report.Error(MeshOptions.SectionName, "required: the configuration has no Mesh section");
            return new(null, report);
        }
        var shape = new List<string>();
        ConfigShapeChecker.Check(section, typeof(MeshOptions), shape);
        if (shape.Count > 0)
        {
            // Values that do not convert cannot be bound; the semantic rules run once these are fixed.
            report.AddErrors(shape);
            return new(null, report);
        }
        MeshOptions options;
        try
        {
            options = section.Get<MeshOptions>() ?? new MeshOptions();
        }
        catch (InvalidOperationException e)
        {
            // The shape check should leave nothing for the binder to refuse; if it does, say so in one line.
            report.Error(MeshOptions.SectionName, $"cannot be read: {e.Message}");
            return new(null, report);
        }
        var semantic = MeshOptionsValidator.Validate(options, environment);
        return new(semantic.IsValid ? options : null, semantic);
    }
}
