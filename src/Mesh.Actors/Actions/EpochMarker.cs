using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Actors.Actions;

/// <summary>The DNS TXT record's text that records a switch's epoch (SPEC 6 rule 6): <c>healthmesh epoch=&lt;counter&gt; active=&lt;region&gt;</c>.</summary>
public static partial class EpochMarker
{
    public static string Format(long counter, string region) => $"healthmesh epoch={counter.ToString(CultureInfo.InvariantCulture)} active={region}";

    public static (long Counter, string Region)? Parse(string? text)
    {
        var m = text is null ? null : Pattern().Match(text.Trim('"'));
        return m is { Success: true } && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var counter)
            ? (counter, m.Groups[2].Value) : null;
    }

    [GeneratedRegex(@"^healthmesh epoch=(\d+) active=([a-z0-9-]+)$")]
    private static partial Regex Pattern();
}
