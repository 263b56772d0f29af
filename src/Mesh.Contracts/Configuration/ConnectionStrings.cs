using Npgsql;

namespace Mesh.Contracts.Configuration;

/// <summary>PostgreSQL connection strings: parsing, secret resolution, and the password-free form for display.</summary>
public static class ConnectionStrings
{
    /// <summary>The connection string without its password, for logs and API output.</summary>
    public static string Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) return "";
        if (Secrets.IsReference(connectionString)) return "***";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Password = null };
            return builder.ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return "(unparseable connection string)";
        }
    }

    /// <summary>
    /// Resolves a connection string written either whole as a secret reference or with a secret
    /// reference as its Password, and checks that it parses and names a host. Errors never quote values.
    /// </summary>
    public static SecretResolution Resolve(string connectionString, IConfigEnvironment source)
    {
        var whole = Secrets.Resolve(connectionString, source);
        if (!whole.Ok) return whole;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(whole.Value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return new(null, $"is not a valid PostgreSQL connection string ({Describe(e)})");
        }
        if (string.IsNullOrWhiteSpace(builder.Host)) return new(null, "the connection string names no Host");
        if (builder.Password is { } password && Secrets.IsReference(password))
        {
            var resolved = Secrets.Resolve(password, source);
            if (!resolved.Ok) return new(null, $"Password: {resolved.Error}");
            builder.Password = resolved.Value;
        }
        return new(builder.ConnectionString, null);
    }

    // Npgsql's messages name keywords, not values; keep only the first sentence to be sure.
    private static string Describe(Exception e)
    {
        var message = e.Message;
        var cut = message.IndexOfAny(['\r', '\n']);
        if (cut >= 0) message = message[..cut];
        return message.Contains('=', StringComparison.Ordinal) ? "malformed key=value pairs" : message.TrimEnd('.');
    }
}
