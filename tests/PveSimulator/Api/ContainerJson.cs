using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PveSimulator.Config;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>Builds the container shapes of the LXC endpoints, per simulated release.</summary>
internal static class ContainerJson
{
    /// <summary>An entry of GET /nodes/{node}/lxc, which is also the base of status/current.</summary>
    public static JsonObject StatusEntry(ContainerView container, PveRelease release, DateTimeOffset now, bool vmidAsString)
    {
        var stats = ContainerStats.For(container, now);
        var entry = new JsonObject
        {
            ["vmid"] = vmidAsString ? container.Vmid.ToString(CultureInfo.InvariantCulture) : container.Vmid,
            ["status"] = container.Running ? "running" : "stopped",
            ["type"] = "lxc",
            ["name"] = container.DisplayName,
            ["cpus"] = Number(container.Cpus),
            ["cpu"] = stats.Cpu,
            ["mem"] = stats.Mem,
            ["maxmem"] = stats.MaxMem,
            ["swap"] = stats.Swap,
            ["maxswap"] = stats.MaxSwap,
            ["disk"] = stats.Disk,
            ["maxdisk"] = stats.MaxDisk,
            ["netin"] = stats.NetIn,
            ["netout"] = stats.NetOut,
            ["diskread"] = stats.DiskRead,
            ["diskwrite"] = stats.DiskWrite,
            ["uptime"] = stats.Uptime,
        };

        // vmstatus() adds these keys only when they apply.
        if (container.Running)
        {
            entry["pid"] = container.Pid;
            if (release.HasPressureStats)
            {
                // PVE 9 copies regex captures straight into the hash, so these are strings.
                foreach (var resource in new[] { "cpu", "io", "memory" })
                {
                    entry[$"pressure{resource}some"] = "0.00";
                    entry[$"pressure{resource}full"] = "0.00";
                }
            }
        }

        if (!string.IsNullOrEmpty(container.Tags))
        {
            entry["tags"] = container.Tags;
        }

        if (container.Lock is not null)
        {
            entry["lock"] = container.Lock;
        }

        if (container.Template)
        {
            entry["template"] = 1;
        }

        return entry;
    }

    public static JsonObject StatusCurrent(ContainerView container, PveRelease release, DateTimeOffset now)
    {
        var entry = StatusEntry(container, release, now, vmidAsString: false);
        entry["ha"] = container.HaManaged
            ? new JsonObject { ["managed"] = 1, ["state"] = container.HaState }
            : new JsonObject { ["managed"] = 0 };
        return entry;
    }

    /// <summary>GET config: by default with pending values merged in, with <paramref name="current"/> the values in effect.</summary>
    public static JsonObject Config(ContainerView container, bool current)
    {
        var config = current ? container.Config.Current : container.Config.Merged();
        var result = new JsonObject();
        foreach (var (key, value) in config)
        {
            result[key] = ConfigKeys.ToJson(key, value);
        }

        result["digest"] = container.Config.Digest;
        return result;
    }

    /// <summary>GET pending: every key with its current value, its pending value and whether it is to be deleted.</summary>
    public static JsonArray Pending(ContainerView container)
    {
        var config = container.Config;
        var keys = new SortedSet<string>(config.Current.Keys, StringComparer.Ordinal);
        keys.UnionWith(config.Pending.Keys);
        var entries = new JsonArray();
        foreach (var key in keys)
        {
            var entry = new JsonObject { ["key"] = key };
            if (config.Current.TryGetValue(key, out var value))
            {
                entry["value"] = ConfigKeys.ToJson(key, value);
            }

            if (config.Pending.TryGetValue(key, out var pending))
            {
                entry["pending"] = ConfigKeys.ToJson(key, pending);
            }

            if (config.PendingDeletes.Contains(key))
            {
                entry["delete"] = 1;
            }

            entries.Add(entry);
        }

        entries.Add(new JsonObject { ["key"] = "digest", ["value"] = config.Digest });
        return entries;
    }

    /// <summary>GET /lxc/{vmid}/interfaces of a running CT: "lo" plus one entry per netN, as `ip --json a` shows them.</summary>
    public static JsonArray Interfaces(ContainerView container, PveRelease release, DateTimeOffset now, TimeSpan dhcpDelay)
    {
        var leased = container.StartedAt is { } started && now - started >= dhcpDelay;
        var interfaces = new JsonArray
        {
            InterfaceEntry(release, "lo", "00:00:00:00:00:00", ["127.0.0.1/8"], ["::1/128"]),
        };

        var netKeys = container.Net.Keys
            .Where(k => k.StartsWith("net", StringComparison.Ordinal) && int.TryParse(k.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(k => int.Parse(k.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture));
        foreach (var key in netKeys)
        {
            var index = int.Parse(key.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture);
            var net = NetLine.Parse(container.Net[key]);
            var name = net["name"] ?? $"eth{index}";
            var mac = (net["hwaddr"] ?? GeneratedMac(container.Vmid, index)).ToLowerInvariant();
            var dhcpAddress = leased ? container.DhcpAddresses.GetValueOrDefault(name) : null;
            var dhcpIsV6 = dhcpAddress is not null && dhcpAddress.Contains(':', StringComparison.Ordinal);

            var inet = new List<string>();
            if (IsCidr(net["ip"]))
            {
                inet.Add(net["ip"]!);
            }
            else if (net["ip"] == "dhcp" && dhcpAddress is not null && !dhcpIsV6)
            {
                inet.Add(dhcpAddress);
            }

            var inet6 = new List<string>();
            if (IsCidr(net["ip6"]))
            {
                inet6.Add(net["ip6"]!);
            }
            else if (net["ip6"] is "dhcp" or "auto" && dhcpIsV6)
            {
                inet6.Add(dhcpAddress!);
            }

            // Every interface with a MAC has its EUI-64 link-local address, listed last by `ip a`.
            if (LinkLocal(mac) is { } linkLocal)
            {
                inet6.Add(linkLocal);
            }

            interfaces.Add(InterfaceEntry(release, name, mac, inet, inet6));
        }

        return interfaces;
    }

    public static JsonObject ResourceEntry(ContainerView live, ResourceSample? sample, DateTimeOffset now)
    {
        // Node, lock and HA state come from pmxcfs and are current; status, name and stats from the RRD, which lags.
        var entry = new JsonObject
        {
            ["id"] = $"lxc/{live.Vmid}",
            ["type"] = "lxc",
            ["vmid"] = live.Vmid,
            ["node"] = live.Node,
            ["status"] = sample is null ? "unknown" : sample.Running ? "running" : "stopped",
        };

        if (sample is not null)
        {
            var running = sample.Running;
            var stats = ContainerStats.For(live with { StartedAt = running ? now - TimeSpan.FromSeconds(sample.UptimeSeconds) : null }, now);
            entry["name"] = sample.Name;
            entry["template"] = sample.Template ? 1 : 0;
            entry["maxcpu"] = Number(sample.MaxCpu);
            entry["cpu"] = stats.Cpu;
            entry["maxmem"] = sample.MaxMemBytes;
            entry["mem"] = stats.Mem;
            entry["maxdisk"] = sample.MaxDiskBytes;
            entry["disk"] = stats.Disk;
            entry["netin"] = stats.NetIn;
            entry["netout"] = stats.NetOut;
            entry["diskread"] = stats.DiskRead;
            entry["diskwrite"] = stats.DiskWrite;
            entry["uptime"] = sample.UptimeSeconds;
        }

        if (!string.IsNullOrEmpty(live.Tags))
        {
            entry["tags"] = live.Tags;
        }

        if (live.Lock is not null)
        {
            entry["lock"] = live.Lock;
        }

        if (live.HaManaged)
        {
            entry["hastate"] = live.HaState;
        }

        return entry;
    }

    // Whole CPU counts stay JSON integers, as clients have always seen them; only a fractional cpulimit shows a fraction.
    private static JsonNode Number(double value) =>
        value == Math.Floor(value) ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static JsonObject InterfaceEntry(PveRelease release, string name, string mac, IReadOnlyList<string> inet, IReadOnlyList<string> inet6)
    {
        var entry = new JsonObject { ["name"] = name, ["hwaddr"] = mac };
        // Only the last address of each family survives in the legacy keys.
        if (inet.Count > 0)
        {
            entry["inet"] = inet[^1];
        }

        if (inet6.Count > 0)
        {
            entry["inet6"] = inet6[^1];
        }

        if (release.HasStructuredInterfaceAddresses)
        {
            entry["hardware-address"] = mac;
            var addresses = new JsonArray();
            foreach (var (cidr, family) in inet.Select(a => (a, "inet")).Concat(inet6.Select(a => (a, "inet6"))))
            {
                var slash = cidr.IndexOf('/');
                addresses.Add(new JsonObject
                {
                    ["ip-address"] = cidr[..slash],
                    ["ip-address-type"] = family,
                    ["prefix"] = int.Parse(cidr.AsSpan(slash + 1), CultureInfo.InvariantCulture),
                });
            }

            entry["ip-addresses"] = addresses;
        }

        return entry;
    }

    /// <summary>An address with its prefix, "192.168.1.5/24" (IPNetwork.TryParse refuses those: host bits set).</summary>
    private static bool IsCidr(string? value)
    {
        if (value is null)
        {
            return false;
        }

        var slash = value.IndexOf('/');
        return slash > 0
            && IPAddress.TryParse(value.AsSpan(0, slash), out _)
            && int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    private static string? LinkLocal(string mac)
    {
        var parts = mac.Split(':');
        var octets = new byte[6];
        if (parts.Length != 6 || !parts.Select((p, i) => byte.TryParse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out octets[i])).All(ok => ok))
        {
            return null;
        }

        var bytes = new byte[16];
        bytes[0] = 0xfe;
        bytes[1] = 0x80;
        bytes[8] = (byte)(octets[0] ^ 0x02);
        bytes[9] = octets[1];
        bytes[10] = octets[2];
        bytes[11] = 0xff;
        bytes[12] = 0xfe;
        bytes[13] = octets[3];
        bytes[14] = octets[4];
        bytes[15] = octets[5];
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>A Proxmox-prefixed (BC:24:11) MAC for netN lines that carry none.</summary>
    public static string GeneratedMac(int vmid, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"BC:24:11:{(vmid >> 8) & 0xff:X2}:{vmid & 0xff:X2}:{index & 0xff:X2}");
}
