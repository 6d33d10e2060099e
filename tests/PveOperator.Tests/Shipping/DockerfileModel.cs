using System.Text.Json;
using System.Text.RegularExpressions;

namespace PveOperator.Tests.Shipping;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>One build stage: FROM image [AS name] and its instructions.</summary>
internal sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
}

/// <summary>A small Dockerfile reader: enough to check ours and to replay its build stage without Docker.</summary>
internal static partial class DockerfileModel
{
    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        var logical = new List<string>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            logical.Add(pending + line);
            pending = "";
        }

        foreach (var line in logical)
        {
            var match = InstructionPattern().Match(line.Trim());
            var keyword = match.Groups[1].Value.ToUpperInvariant();
            var arguments = match.Groups[2].Value.Trim();
            if (keyword == "FROM")
            {
                var from = FromPattern().Match(arguments);
                current = [];
                stages.Add(new DockerStage(from.Groups[1].Value, from.Groups[2].Success ? from.Groups[2].Value : null, current));
            }
            else
            {
                (current ?? throw new FormatException($"'{line}' before the first FROM")).Add(new DockerInstruction(keyword, arguments));
            }
        }

        return stages;
    }

    public static IReadOnlyList<DockerStage> Load(string repositoryRoot) =>
        Parse(File.ReadAllText(Path.Combine(repositoryRoot, "Dockerfile")));

    /// <summary>The exec form of ENTRYPOINT/CMD (a JSON array).</summary>
    public static string[] ExecForm(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new FormatException($"not a JSON array: {arguments}");

    [GeneratedRegex(@"^(\w+)\s+(.*)$")]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"^(\S+)(?:\s+AS\s+(\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();
}
