using Mesh.Contracts.Configuration;

namespace Mesh.Contracts.Tests;

/// <summary>One problem, one line: a value quoted back from the file cannot break the report's lines (found by FuzzTests).</summary>
public sealed class ValidationReportTests
{
    [Fact]
    public void Control_characters_in_a_quoted_value_are_escaped()
    {
        var report = new ValidationReport();

        report.Error("Mesh:Api:ReadRequiresToken", "must be true or false, not 'Zib\n\0-\t'");
        report.Warn("Mesh:Quorum", "plain");

        Assert.Equal(@"Mesh:Api:ReadRequiresToken: must be true or false, not 'Zib\n\u0000-\t'", Assert.Single(report.Errors));
        Assert.Equal("Mesh:Quorum: plain", Assert.Single(report.Warnings));
    }
}
