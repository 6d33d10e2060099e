using System.Reflection;
using System.Text.RegularExpressions;
using PveOperator.Controllers;

namespace PveOperator.Tests.Shipping;

/// <summary>The user docs keep up with the code: every condition reason is explained, every relative link resolves.</summary>
public sealed partial class DocsTests
{
    private static readonly string Root = Manifests.RepositoryRoot();

    public static TheoryData<string> AllReasons => new(typeof(Reasons).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!));

    [Theory]
    [MemberData(nameof(AllReasons))]
    public void Troubleshooting_explains_every_condition_reason(string reason)
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "troubleshooting.md"));
        Assert.Contains($"| `{reason}` |", doc);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/install.md")]
    [InlineData("docs/troubleshooting.md")]
    [InlineData("docs/gitops.md")]
    public void Relative_links_point_at_files_that_exist(string document)
    {
        var path = Path.Combine(Root, document);
        foreach (Match link in RelativeLink().Matches(File.ReadAllText(path)))
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, link.Groups[1].Value));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"{document} links to missing {link.Groups[1].Value}");
        }
    }

    [GeneratedRegex(@"\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)")]
    private static partial Regex RelativeLink();
}
