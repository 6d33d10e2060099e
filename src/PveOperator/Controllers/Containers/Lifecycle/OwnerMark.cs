using System.Text.RegularExpressions;

namespace PveOperator.Controllers;

/// <summary>
/// The line in a container's description that names the LxcContainer owning it: written at create and clone (and when
/// a Delete-policy resource adopts a container), checked before anything is destroyed. The UID makes it unique across
/// Kubernetes clusters, so a second cluster pointed at the same PVE never mistakes another's container for its own.
/// </summary>
internal sealed partial record OwnerMark(string Namespace, string Name, string Uid)
{
    public const string Key = "pve-operator.io/owner";

    public string Line => $"{Key}={Namespace}/{Name} uid={Uid}";

    public string Resource => $"{Namespace}/{Name}";

    /// <summary>The mark in a description, if it carries one; PVE keeps the description's lines as written.</summary>
    public static OwnerMark? Find(string? description)
    {
        if (string.IsNullOrEmpty(description))
        {
            return null;
        }

        var match = MarkPattern().Match(description);
        return match.Success ? new OwnerMark(match.Groups["ns"].Value, match.Groups["name"].Value, match.Groups["uid"].Value) : null;
    }

    /// <summary>The description with this mark in place of any earlier one, other lines kept as they were.</summary>
    public string MarkIn(string? description)
    {
        var lines = (description ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !MarkPattern().IsMatch(l)).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        lines.Add(Line);
        return string.Join('\n', lines);
    }

    public bool SameResource(OwnerMark other) => string.Equals(Uid, other.Uid, StringComparison.Ordinal);

    [GeneratedRegex(@"pve-operator\.io/owner=(?<ns>[a-z0-9][-a-z0-9]*)/(?<name>[a-z0-9][-a-z0-9.]*) uid=(?<uid>[A-Za-z0-9-]{1,64})")]
    private static partial Regex MarkPattern();
}
