namespace PveOperator.Controllers;

/// <summary>
/// The PVE privileges the operator needs, by feature, and which of them a GET /access/permissions answer lacks.
/// A privilege counts as held on a path when PVE lists it there or on a parent path (ACLs propagate downwards).
/// Container privileges needed "on /vms" also count when granted on single containers or pools (install.md suggests
/// both): the check cannot tell which containers matter, and PVE decides each call anyway.
/// </summary>
public static class RequiredPrivileges
{
    public sealed record Need(string Privilege, string Path)
    {
        public override string ToString() => $"{Privilege} on {Path}";
    }

    /// <summary>Observing the cluster and its containers (/cluster/status, /cluster/resources, status/current).</summary>
    public static readonly IReadOnlyList<Need> Observe = [new("Sys.Audit", "/"), new("VM.Audit", "/vms")];

    /// <summary>Starting, stopping and shutting down containers.</summary>
    public static readonly IReadOnlyList<Need> Power = [new("VM.PowerMgmt", "/vms")];

    /// <summary>Creating, cloning, configuring and deleting containers (documented; no container spec uses it yet).</summary>
    public static readonly IReadOnlyList<Need> Lifecycle =
    [
        new("VM.Allocate", "/vms"), new("VM.Clone", "/vms"), new("VM.Config.Disk", "/vms"), new("VM.Config.CPU", "/vms"),
        new("VM.Config.Memory", "/vms"), new("VM.Config.Network", "/vms"), new("VM.Config.Options", "/vms"),
        new("Datastore.AllocateSpace", "/storage"), new("Datastore.Audit", "/storage"), new("SDN.Use", "/sdn"),
    ];

    /// <summary>What the containers of a provider use today: observation and power actions.</summary>
    public static IReadOnlyList<Need> ForPowerManagement { get; } = [.. Observe, .. Power];

    public static IReadOnlyList<Need> Missing(IReadOnlyList<Need> needed, IReadOnlyDictionary<string, IReadOnlySet<string>> held) =>
        needed.Where(need => !Holds(held, need)).ToList();

    /// <summary>
    /// pveum commands that grant <paramref name="missing"/> through a role of their own. A privilege-separated token
    /// also needs them on its user, hence both ACLs for a token.
    /// </summary>
    public static string GrantCommand(IReadOnlyList<Need> missing, string principal, bool isToken)
    {
        var privileges = string.Join(",", missing.Select(m => m.Privilege).Distinct(StringComparer.Ordinal));
        var commands = new List<string> { $"pveum role add PVEOperator --privs \"{privileges}\" (or pveum role modify PVEOperator --append --privs ...)" };
        if (isToken)
        {
            var user = principal[..principal.IndexOf('!', StringComparison.Ordinal)];
            commands.Add($"pveum acl modify / --roles PVEOperator --users {user}");
            commands.Add($"pveum acl modify / --roles PVEOperator --tokens '{principal}'");
        }
        else
        {
            commands.Add($"pveum acl modify / --roles PVEOperator --users {principal}");
        }

        return string.Join("; ", commands);
    }

    private static bool Holds(IReadOnlyDictionary<string, IReadOnlySet<string>> held, Need need)
    {
        if (need.Path == "/vms" && held.Any(entry =>
                (entry.Key.StartsWith("/vms/", StringComparison.Ordinal) || entry.Key.StartsWith("/pool/", StringComparison.Ordinal))
                && entry.Value.Contains(need.Privilege)))
        {
            return true;
        }

        for (var path = need.Path; ; path = Parent(path))
        {
            if (held.TryGetValue(path, out var privileges) && privileges.Contains(need.Privilege))
            {
                return true;
            }

            if (path == "/")
            {
                return false;
            }
        }
    }

    private static string Parent(string path)
    {
        var cut = path.TrimEnd('/').LastIndexOf('/');
        return cut <= 0 ? "/" : path[..cut];
    }
}
