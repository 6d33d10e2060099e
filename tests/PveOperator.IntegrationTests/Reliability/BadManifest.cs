using System.Text.RegularExpressions;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// One file of Reliability/BadInput: a manifest the API server must refuse, headed by comments that say what is wrong
/// (first line), the phrase <c>kubectl apply</c> must print (<c># expect:</c>) and, where the API server words it
/// differently from kubectl's own validation, the server's phrase (<c># server:</c>; <c>pruned</c> when the server
/// silently drops an unknown field).
/// </summary>
internal sealed partial record BadManifest(string File, string Title, string Expect, string? Server, string Yaml)
{
    public static readonly string Folder = Path.Combine(
        Operator.OperatorHarness.RepositoryRoot(), "tests", "PveOperator.IntegrationTests", "Reliability", "BadInput");

    public bool ServerPrunes => Server?.StartsWith("pruned", StringComparison.Ordinal) == true;

    /// <summary>The field kubectl calls unknown, for the pruned ones.</summary>
    public string? UnknownField => UnknownFieldPattern().Match(Expect) is { Success: true } match ? match.Groups[1].Value : null;

    public static IReadOnlyList<string> FileNames() =>
        Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static BadManifest Load(string file)
    {
        var yaml = System.IO.File.ReadAllText(Path.Combine(Folder, file));
        var header = yaml.Split('\n').TakeWhile(line => line.StartsWith('#')).Select(line => line.TrimStart('#').Trim()).ToList();
        string? Field(string name) => header.FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim();
        return new BadManifest(
            file,
            header.FirstOrDefault() ?? "",
            Field("expect") ?? throw new InvalidOperationException($"{file} has no '# expect:' line"),
            Field("server"),
            yaml);
    }

    [GeneratedRegex("unknown field \"([^\"]+)\"")]
    private static partial Regex UnknownFieldPattern();
}
