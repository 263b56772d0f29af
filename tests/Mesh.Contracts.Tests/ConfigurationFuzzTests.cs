using System.Text.RegularExpressions;

namespace Mesh.Contracts.Tests;

/// <summary>Random damage to a valid configuration: loading never throws, and every problem is a line that starts with a path.</summary>
public sealed partial class ConfigurationFuzzTests
{
    private static readonly string?[] Values =
        [null, "", "abc", "-1", "0", "1", "99999999999999999999", "00:00:01", "-00:00:01", "1.00:00:00", "true", "nyc1", "sfo3",
         "http://x", "env:UNSET_VAR", "file:/nonexistent", "Host=db;Port=x", "akka.tcp://health-mesh@10.0.0.1:1", "\u0000", "🙂"];

    // Written into the fields that hold secrets: whatever else is wrong, these never reach a line.
    private static readonly string[] SecretValues =
        ["fuzz-secret", "Host=db;Password=fuzz-secret", "Host=db;Password=fuzz-secret;Bogus Key=1", "Password=fuzz-secret", "Host=db;Password='fuzz-secret"];

    [GeneratedRegex(@"^Mesh(:[^:\s]+)*: \S")]
    private static partial Regex ProblemLine();

    [Fact]
    public void Random_damage_gives_clean_errors_and_never_an_exception()
    {
        var random = new Random(20261125);
        var baseKeys = ValidConfig.Keys().Keys.ToArray();
        var secretKeys = baseKeys.Where(k => k.EndsWith("ConnectionString", StringComparison.Ordinal) || k.EndsWith("Password", StringComparison.Ordinal)
                                             || k.EndsWith("Token", StringComparison.Ordinal)).ToArray();
        for (var round = 0; round < 2000; round++)
        {
            var keys = ValidConfig.Keys();
            for (var change = random.Next(1, 5); change > 0; change--)
            {
                var key = baseKeys[random.Next(baseKeys.Length)];
                switch (random.Next(4))
                {
                    case 0: keys.Remove(key); break;
                    case 1: keys[key + ":" + random.Next(3)] = Values[random.Next(Values.Length)]; break;   // a value becomes an object
                    case 2: keys[key[..key.LastIndexOf(':')] + ":Extra" + random.Next(3)] = "x"; break;  // an unknown sibling
                    default: keys[key] = Values[random.Next(Values.Length)]; break;
                }
            }

            keys[secretKeys[random.Next(secretKeys.Length)]] = SecretValues[random.Next(SecretValues.Length)];

            var report = ValidConfig.Load(keys).Report;

            Assert.All(report.Errors.Concat(report.Warnings), line =>
            {
                Assert.Matches(ProblemLine(), line);
                Assert.False(line.Contains("fuzz-secret", StringComparison.Ordinal), line);
            });
        }
    }
}
