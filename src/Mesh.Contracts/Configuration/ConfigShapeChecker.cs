using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Mesh.Contracts.Configuration;

/// <summary>
/// Checks the raw configuration tree against the shape of <see cref="MeshOptions"/> before binding:
/// unknown keys, objects where a value belongs and the reverse, and values that do not convert
/// (numbers, booleans, <c>hh:mm:ss(.fff)</c> durations). Reports every problem, not just the first,
/// which the binder alone cannot do.
/// </summary>
internal static partial class ConfigShapeChecker
{
    public static void Check(IConfigurationSection section, Type type, List<string> problems) =>
        CheckNode(section, type, problems);

    private static void CheckNode(IConfigurationSection section, Type type, List<string> problems)
    {
        var children = section.GetChildren().ToList();
        var underlying = Nullable.GetUnderlyingType(type) ?? type;

        if (IsScalar(underlying))
        {
            if (children.Count > 0) problems.Add($"{section.Path}: must be a single value, not an object or list");
            // JSON null, [] and {} arrive as an empty value: "not set" for strings and optional fields,
            // but a field with a default cannot be unset, and the binder would throw on it.
            else if (string.IsNullOrEmpty(section.Value) && type.IsValueType && Nullable.GetUnderlyingType(type) is null)
                problems.Add($"{section.Path}: must be {Expected(underlying)}, not null or empty (leave the key out to take the default)");
            else if (section.Value is { Length: > 0 } value && ConversionError(value, underlying) is { } error)
                problems.Add($"{section.Path}: {error}");
            return;
        }

        if (children.Count == 0)
        {
            // JSON null and [] arrive as a key with an empty value; both mean "not set".
            if (!string.IsNullOrEmpty(section.Value)) problems.Add($"{section.Path}: must be {Describe(underlying)}, not a single value");
            return;
        }

        if (ListElementType(underlying) is { } element)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    problems.Add($"{child.Path}: {section.Key} must be a list");
                else CheckNode(child, element, problems);
            }
            return;
        }

        if (DictionaryValueType(underlying) is { } valueType)
        {
            foreach (var child in children) CheckNode(child, valueType, problems);
            return;
        }

        var properties = underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property)) CheckNode(child, property.PropertyType, problems);
            else problems.Add($"{child.Path}: unknown key (known here: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))})");
        }
    }

    private static bool IsScalar(Type t) =>
        t == typeof(string) || t == typeof(int) || t == typeof(long) || t == typeof(bool) || t == typeof(TimeSpan);

    private static string Describe(Type t) =>
        ListElementType(t) is not null ? "a list" : "an object";

    private static Type? ListElementType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? t.GetGenericArguments()[0] : null;

    private static Type? DictionaryValueType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) ? t.GetGenericArguments()[1] : null;

    private static string Expected(Type t) =>
        t == typeof(bool) ? "true or false" : t == typeof(TimeSpan) ? "a duration hh:mm:ss(.fff)" : "a whole number";

    private static string? ConversionError(string value, Type t)
    {
        if (t == typeof(int))
            return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number, not '{value}'";
        if (t == typeof(long))
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number, not '{value}'";
        if (t == typeof(bool))
            return bool.TryParse(value, out _) ? null : $"must be true or false, not '{value}'";
        if (t == typeof(TimeSpan))
            return Durations.TryParse(value, out _) ? null : $"must be a duration hh:mm:ss(.fff), not '{value}'";
        return null;
    }
}

/// <summary>The duration format of the configuration: <c>hh:mm:ss(.fff)</c>, optionally with days <c>d.hh:mm:ss</c>.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d{1,7})?$")]
    private static partial Regex Pattern();

    // TimeSpan's own parser also takes "20" (twenty days): a typo no operator means, so the format is checked first.
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = default;
        return Pattern().IsMatch(value) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }

    public static string Format(TimeSpan value) => value.ToString(value.Milliseconds == 0 ? @"hh\:mm\:ss" : @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
}
