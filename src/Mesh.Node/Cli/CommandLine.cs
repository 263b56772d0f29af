namespace Mesh.Node.Cli;

/// <summary>
/// A parsed command line: the command, its own options, and configuration overrides
/// (<c>--Mesh:Failover:Mode=manual</c>), which go to Microsoft.Extensions.Configuration unchanged.
/// </summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string> Options, IReadOnlyList<string> ConfigOverrides)
{
    public string? Option(string name) => Options.GetValueOrDefault(name);

    public static readonly IReadOnlyDictionary<string, string[]> OptionsOf = new Dictionary<string, string[]>
    {
        ["run"] = ["config"],
        ["validate"] = ["config"],
        ["status"] = ["url", "token"],
        ["demo"] = ["duration", "workdir"],
    };

    /// <summary>Options that take no value: present means on.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> FlagsOf = new Dictionary<string, string[]>
    {
        ["status"] = ["json", "no-color"],
    };

    public bool Flag(string name) => Options.ContainsKey(name);

    /// <summary>Parses <paramref name="args"/>, or says in one line what is wrong with them.</summary>
    public static (CommandLine? Parsed, string? Error) Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return (null, "a command is required");
        var command = args[0];
        if (command is "-h" or "--help" or "help") return (new CommandLine("help", new Dictionary<string, string>(), []), null);
        if (!OptionsOf.TryGetValue(command, out var known)) return (null, $"unknown command '{command}'");

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var overrides = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2) return (null, $"unexpected argument '{arg}'");
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string? value = eq > 0 ? arg[(eq + 1)..] : null;
            if (FlagsOf.TryGetValue(command, out var flags) && flags.Contains(name))
            {
                if (value is not null) return (null, $"--{name} takes no value");
                options[name] = "true";
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) return (null, $"--{name} needs a value");
                value = args[++i];
            }
            if (name.Contains(':', StringComparison.Ordinal))
            {
                if (command is "status" or "demo") return (null, $"{command} takes no configuration override (--{name})");
                overrides.Add($"--{name}={value}");
            }
            else if (known.Contains(name)) options[name] = value;
            else return (null, $"unknown option --{name} for {command} (known: {string.Join(", ", known.Concat(FlagsOf.GetValueOrDefault(command) ?? []).Select(k => "--" + k))})");
        }
        return (new CommandLine(command, options, overrides), null);
    }

    public const string Usage = """
        usage:
          health-mesh run --config FILE [--Mesh:Key=value ...]      start one mesh node
          health-mesh validate --config FILE [--Mesh:Key=value ...] check a configuration; exit 0 valid, 2 invalid
          health-mesh status --url URL [--token T] [--json] [--no-color]
                                                                    print the state of a running mesh
          health-mesh demo [--duration SECONDS]                     a whole mesh on this machine
        Configuration: the file, then MESH_ environment variables (MESH_Mesh__Node__Port=4055), then --Mesh:... options.
        """;
}
