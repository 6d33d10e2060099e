using System.Globalization;
using PveOperator.Entities;
using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>
/// Network interfaces by name: each spec interface is matched with the netN whose name= it carries. Only the fields the
/// spec sets are compared; a changed or new interface is written whole, PVE's other keys (hwaddr, type) kept as they are.
/// </summary>
internal static class NetworkDiff
{
    public const int MaxInterfaces = 32;

    public static void Compare(IReadOnlyList<NetworkInterfaceSpec> network, ConfigObservation actual, DiffBuilder diff)
    {
        var existing = actual.Values
            .Where(v => IsNetKey(v.Key))
            .Select(v => (Key: v.Key, Pairs: PvePropertyString.Parse(v.Value)))
            .ToList();
        var used = existing.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        if (Problems(network) is { Count: > 0 } problems)
        {
            // The CRD's CEL rules refuse these on Kubernetes 1.25 and later; older servers let them through.
            foreach (var problem in problems)
            {
                diff.Problem(problem);
            }

            return;
        }

        foreach (var nic in network)
        {
            var field = $"network[{nic.Name}]";
            var match = existing.FirstOrDefault(e => e.Pairs.GetValueOrDefault("name") == nic.Name);
            if (match.Key is null)
            {
                if (FreeKey(used) is not { } key)
                {
                    diff.Problem($"{field}: PVE allows at most {MaxInterfaces} interfaces (net0..net{MaxInterfaces - 1})");
                    continue;
                }

                used.Add(key);
                var created = Desired(nic, new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = nic.Name });
                diff.Set(field, Show(created), null, key, ConfigText.Join(created, first: "name"));
                continue;
            }

            var wanted = Desired(nic, match.Pairs);
            var changed = false;
            foreach (var (subfield, pveKey, show) in Fields)
            {
                var want = wanted.GetValueOrDefault(pveKey);
                var have = match.Pairs.GetValueOrDefault(pveKey);
                if (!Same(pveKey, want, have))
                {
                    diff.Drift($"{field}.{subfield}", show(want), show(have));
                    changed = true;
                }
            }

            if (changed)
            {
                diff.SetKey(match.Key, ConfigText.Join(wanted, first: "name"));
            }
        }

        var names = network.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, pairs) in existing.Where(e => !names.Contains(e.Pairs.GetValueOrDefault("name") ?? "")))
        {
            diff.Delete($"network[{pairs.GetValueOrDefault("name") ?? key}]", null, Show(pairs), key);
        }
    }

    /// <summary>What the schema's rules say about interfaces, checked again for servers that do not run CEL.</summary>
    public static List<string> Problems(IReadOnlyList<NetworkInterfaceSpec> network)
    {
        var problems = new List<string>();
        foreach (var duplicate in network.GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"network lists {duplicate.Key} {duplicate.Count()} times: give each interface one entry");
        }

        foreach (var nic in network)
        {
            if (nic.Ipv4 is { Dhcp: true, Address: not null })
            {
                problems.Add($"network[{nic.Name}].ipv4 takes either dhcp: true or an address, not both");
            }

            if (nic.Ipv4 is { Gateway: not null, Address: null })
            {
                problems.Add($"network[{nic.Name}].ipv4.gateway needs ipv4.address: with DHCP the gateway comes from the DHCP server");
            }

            if (nic.Ipv6 is { } v6 && new[] { v6.Auto == true, v6.Dhcp == true, v6.Address is not null }.Count(x => x) > 1)
            {
                problems.Add($"network[{nic.Name}].ipv6 takes one of auto: true, dhcp: true and an address");
            }

            if (nic.Ipv6 is { Gateway: not null, Address: null })
            {
                problems.Add($"network[{nic.Name}].ipv6.gateway needs ipv6.address");
            }
        }

        return problems;
    }

    /// <summary>The interface's PVE keys: what PVE has, with every field the spec sets put over it.</summary>
    private static Dictionary<string, string> Desired(NetworkInterfaceSpec nic, IReadOnlyDictionary<string, string> has)
    {
        var pairs = new Dictionary<string, string>(has, StringComparer.Ordinal) { ["name"] = nic.Name };
        void Put(string key, string? value)
        {
            if (value is not null)
            {
                pairs[key] = value;
            }
        }

        Put("bridge", nic.Bridge);
        Put("tag", nic.Vlan?.ToString(CultureInfo.InvariantCulture));
        Put("firewall", nic.Firewall is { } firewall ? ConfigText.Flag(firewall) : null);
        Put("mtu", nic.Mtu?.ToString(CultureInfo.InvariantCulture));
        Put("rate", nic.RateMBps?.ToString(CultureInfo.InvariantCulture));
        Put("hwaddr", nic.Hwaddr?.ToUpperInvariant());
        if (nic.Ipv4 is { } v4)
        {
            Put("ip", v4.Dhcp == true ? "dhcp" : v4.Address);
            if (v4.Dhcp == true)
            {
                pairs.Remove("gw");
            }

            Put("gw", v4.Gateway);
        }

        if (nic.Ipv6 is { } v6)
        {
            Put("ip6", v6.Auto == true ? "auto" : v6.Dhcp == true ? "dhcp" : v6.Address);
            if (v6.Auto == true || v6.Dhcp == true)
            {
                pairs.Remove("gw6");
            }

            Put("gw6", v6.Gateway);
        }

        return pairs;
    }

    private static readonly (string Field, string Key, Func<string?, string?> Show)[] Fields =
    [
        ("bridge", "bridge", v => v),
        ("vlan", "tag", v => v),
        ("ipv4", "ip", v => v),
        ("ipv4.gateway", "gw", v => v),
        ("ipv6", "ip6", v => v),
        ("ipv6.gateway", "gw6", v => v),
        ("firewall", "firewall", v => ConfigText.Show(ConfigText.Bool(v))),
        ("mtu", "mtu", v => v),
        ("rateMBps", "rate", v => v),
        ("hwaddr", "hwaddr", v => v),
    ];

    private static bool Same(string key, string? want, string? have) => key switch
    {
        "firewall" => ConfigText.Bool(want) == ConfigText.Bool(have),
        "rate" or "mtu" or "tag" => want == have || (want is not null && ConfigText.SameNumber(want, have, "")),
        _ => string.Equals(want, have, StringComparison.OrdinalIgnoreCase),
    };

    private static string Show(IReadOnlyDictionary<string, string> pairs) =>
        ConfigText.Join(pairs.Where(p => p.Key is not ("name" or "type")).ToDictionary(p => p.Key, p => p.Value));

    public static bool IsNetKey(string key) =>
        key.StartsWith("net", StringComparison.Ordinal) && int.TryParse(key.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string? FreeKey(HashSet<string> used)
    {
        for (var i = 0; i < MaxInterfaces; i++)
        {
            var key = "net" + i.ToString(CultureInfo.InvariantCulture);
            if (!used.Contains(key))
            {
                return key;
            }
        }

        return null;
    }
}
