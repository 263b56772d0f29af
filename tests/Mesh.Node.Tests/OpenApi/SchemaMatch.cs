using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mesh.Node.Tests.OpenApi;

/// <summary>
/// Checks a JSON answer against a schema of an OpenAPI 3.1 document, for the keywords ASP.NET Core's generator writes
/// ($ref, type and type lists, properties, required, additionalProperties, items, enum, oneOf/anyOf/allOf, pattern,
/// format date-time). Stricter than JSON Schema on one point, on purpose: an object property that the schema does not
/// name is a mismatch unless the schema allows additional properties explicitly, so an answer cannot grow a field the
/// document does not describe.
/// </summary>
internal static class SchemaMatch
{
    public static IReadOnlyList<string> Mismatches(JsonElement value, JsonElement schema, JsonElement document)
    {
        var errors = new List<string>();
        Check(value, schema, document, "$", errors);
        return errors;
    }

    private static void Check(JsonElement value, JsonElement schema, JsonElement document, string at, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(value, Resolve(document, reference.GetString()!), document, at, errors);
            return;
        }
        if (schema.TryGetProperty("allOf", out var all))
            foreach (var part in all.EnumerateArray()) Check(value, part, document, at, errors);
        foreach (var keyword in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(keyword, out var options) && !options.EnumerateArray().Any(o => Mismatches(value, o, document).Count == 0))
                errors.Add($"{at}: {Show(value)} matches none of {keyword}");
        if (schema.TryGetProperty("type", out var type) && !TypesOf(type).Contains(KindOf(value)) && !(KindOf(value) == "integer" && TypesOf(type).Contains("number")))
        {
            errors.Add($"{at}: {Show(value)} is {KindOf(value)}, the document says {type.GetRawText()}");
            return;
        }
        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
            errors.Add($"{at}: {Show(value)} is not one of {allowed.GetRawText()}");
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, schema, document, at, errors);
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                var i = 0;
                foreach (var item in value.EnumerateArray()) Check(item, items, document, $"{at}[{i++}]", errors);
                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!))
                    errors.Add($"{at}: \"{text}\" does not match {pattern.GetString()}");
                if (schema.TryGetProperty("format", out var format) && format.GetString() == "date-time"
                    && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    errors.Add($"{at}: \"{text}\" is not a date-time");
                break;
        }
    }

    private static void CheckObject(JsonElement value, JsonElement schema, JsonElement document, string at, List<string> errors)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var property in value.EnumerateObject())
        {
            var where = $"{at}.{property.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                Check(property.Value, propertySchema, document, where, errors);
            else if (additional.ValueKind is JsonValueKind.Object or JsonValueKind.True)
                Check(property.Value, additional, document, where, errors);
            else
                errors.Add($"{where}: the answer has it, the document does not describe it");
        }
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
                if (!value.TryGetProperty(name, out _)) errors.Add($"{at}: required property {name} is missing");
    }

    private static JsonElement Resolve(JsonElement document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new InvalidOperationException($"external $ref {reference}");
        var node = document;
        foreach (var part in reference[2..].Split('/')) node = node.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
        return node;
    }

    private static HashSet<string> TypesOf(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToHashSet() : [type.GetString()!];

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
