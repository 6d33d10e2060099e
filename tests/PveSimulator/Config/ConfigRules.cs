using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using PveSimulator.Api;

namespace PveSimulator.Config;

/// <summary>
/// pve-container's schema for the config keys the operator manages: validation (400 texts), the normal form PVE
/// stores (§1.4 of the lifecycle reference) and which keys a running CT takes at once (§4.4).
/// </summary>
internal static partial class ConfigRules
{
    /// <summary>Keys a running CT moves straight into the main config.</summary>
    private static readonly HashSet<string> FastPlug = new(StringComparer.Ordinal)
    {
        "description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock",
    };

    /// <summary>Keys a running CT applies through cgroups at once.</summary>
    private static readonly HashSet<string> HotApplied = new(StringComparer.Ordinal) { "memory", "swap", "cpulimit", "cpuunits" };

    /// <summary>Deletions a running CT applies at once (besides fast-plug keys).</summary>
    private static readonly HashSet<string> HotDeletable = new(StringComparer.Ordinal) { "swap", "cpulimit", "cpuunits" };

    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal) { "onboot", "protection", "unprivileged", "console", "template", "debug" };

    private static readonly string[] PlainKeys =
    [
        "arch", "cmode", "console", "cores", "cpulimit", "cpuunits", "debug", "description", "entrypoint", "env", "features", "hookscript",
        "hostname", "lock", "memory", "nameserver", "onboot", "ostype", "protection", "rootfs", "searchdomain", "startup", "swap", "tags",
        "template", "timezone", "tty", "unprivileged",
    ];

    private static readonly HashSet<string> NetOptions = new(StringComparer.Ordinal)
    {
        "name", "bridge", "hwaddr", "mtu", "ip", "gw", "ip6", "gw6", "firewall", "tag", "trunks", "rate", "link_down", "host-managed", "type",
    };

    private static readonly string[] FeatureFlags = ["nesting", "keyctl", "fuse", "mknod", "force_rw_sys"];

    /// <summary>The schema of every config key, for endpoints that take config keys as parameters.</summary>
    public static IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        .. PlainKeys.Select(k => new ParameterSpec(k, ParameterType.String)),
        new ParameterSpec("net[n]", ParameterType.String) { NamePattern = NetParameterPattern() },
        new ParameterSpec("mp[n]", ParameterType.String) { NamePattern = MountPointParameterPattern() },
        new ParameterSpec("unused[n]", ParameterType.String) { NamePattern = UnusedParameterPattern() },
        new ParameterSpec("dev[n]", ParameterType.String) { NamePattern = DeviceParameterPattern() },
    ];

    public static bool IsConfigKey(string key) =>
        PlainKeys.Contains(key) || Parameters.Any(p => p.NamePattern is { } pattern && pattern.IsMatch(key));

    /// <summary>How a running CT takes a change of this key.</summary>
    public static bool AppliesLive(string key, bool isNewKey) =>
        FastPlug.Contains(key) || HotApplied.Contains(key) || ConfigKeys.IsNet(key) || (isNewKey && (ConfigKeys.IsMountPoint(key) || key.StartsWith("dev", StringComparison.Ordinal)));

    public static bool DeletesLive(string key) =>
        FastPlug.Contains(key) || HotDeletable.Contains(key) || ConfigKeys.IsNet(key) || ConfigKeys.IsUnused(key);

    /// <summary>Checks one value against the schema; returns the error text of the 400, or null with the normal form.</summary>
    public static string? Validate(string key, string value, out string normalized)
    {
        normalized = value;
        switch (key)
        {
            case "hostname":
                return value.Length <= 255 && DnsNamePattern().IsMatch(value) ? null : "invalid format - value does not look like a valid DNS name";
            case "cores":
                return Integer(value, 1, 8192);
            case "cpuunits":
                return Integer(value, 0, 500_000);
            case "memory":
                return Integer(value, 16, null);
            case "swap":
                return Integer(value, 0, null);
            case "tty":
                return Integer(value, 0, 6);
            case "cpulimit":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var limit))
                {
                    return $"type check ('number') failed - got '{value}'";
                }

                return limit < 0 ? "value must have a minimum value of 0" : limit > 8192 ? "value must have a maximum value of 8192" : null;
            case "description":
                return value.Length > 8192 ? "value may only be 8192 characters long" : null;
            case "tags":
                return NormalizeTags(value, out normalized);
            case "nameserver":
                return NormalizeList(value, v => IPAddress.TryParse(v, out _), "invalid format - value does not look like a valid IP address", out normalized);
            case "searchdomain":
                return NormalizeList(value, v => DnsNamePattern().IsMatch(v), "invalid format - value does not look like a valid DNS name", out normalized);
            case "startup":
                return StartupPattern().IsMatch(value) ? null : "invalid format - unable to parse startup options";
            case "features":
                return ValidateFeatures(value);
            case "arch":
                return OneOf(value, "amd64", "i386", "arm64", "armhf", "riscv32", "riscv64");
            case "ostype":
                return OneOf(value, "debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged");
            case "cmode":
                return OneOf(value, "shell", "console", "tty");
            case "lock":
                return OneOf(value, "backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot", "snapshot-delete");
            case var _ when Booleans.Contains(key):
                if (value is "true" or "false")
                {
                    normalized = value == "true" ? "1" : "0";
                    return null;
                }

                return value is "0" or "1" ? null : $"type check ('boolean') failed - got '{value}'";
            case var _ when ConfigKeys.IsNet(key):
                return NormalizeNet(key, value, out normalized);
            case var _ when ConfigKeys.IsDisk(key):
                return NormalizeDisk(key, value, out normalized);
            default:
                return null;
        }
    }

    /// <summary>The feature flags whose value differs between two "features" strings.</summary>
    public static IReadOnlyList<string> ChangedFeatures(string? before, string? after)
    {
        var old = ParseProperties(before ?? "");
        var now = ParseProperties(after ?? "");
        return old.Keys.Union(now.Keys)
            .Where(k => (old.GetValueOrDefault(k) ?? "0") != (now.GetValueOrDefault(k) ?? "0"))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static Dictionary<string, string> ParseProperties(string value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                result[part[..equals]] = part[(equals + 1)..];
            }
        }

        return result;
    }

    /// <summary>A MAC with the datacenter default prefix BC:24:11, as PVE generates for netN without hwaddr.</summary>
    public static string RandomMac()
    {
        Span<byte> tail = stackalloc byte[3];
        Random.Shared.NextBytes(tail);
        return string.Create(CultureInfo.InvariantCulture, $"BC:24:11:{tail[0]:X2}:{tail[1]:X2}:{tail[2]:X2}");
    }

    /// <summary>Fills in what PVE adds to a netN line when writing it: a generated hwaddr and type=veth.</summary>
    public static string CompleteNet(string normalized)
    {
        var options = ParseProperties(normalized);
        if (!options.ContainsKey("hwaddr"))
        {
            options["hwaddr"] = RandomMac();
        }

        options.TryAdd("type", "veth");
        return PrintNet(options);
    }

    private static string? Integer(string value, long minimum, long? maximum)
    {
        if (!IntegerPattern().IsMatch(value) || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return $"type check ('integer') failed - got '{value}'";
        }

        return number < minimum ? $"value must have a minimum value of {minimum}"
            : number > maximum ? $"value must have a maximum value of {maximum}"
            : null;
    }

    private static string? OneOf(string value, params string[] allowed) =>
        allowed.Contains(value) ? null : $"value '{value}' does not have a value in the enumeration '{string.Join(", ", allowed)}'";

    private static string? NormalizeTags(string value, out string normalized)
    {
        var tags = value.Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).ToArray();
        normalized = string.Join(';', tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var bad = tags.FirstOrDefault(t => !TagPattern().IsMatch(t));
        return bad is null ? null : $"invalid format - invalid characters in tag '{bad}'";
    }

    private static string? NormalizeList(string value, Func<string, bool> valid, string error, out string normalized)
    {
        var items = value.Split([',', ';', ' ', '\t', '\0'], StringSplitOptions.RemoveEmptyEntries);
        normalized = string.Join(' ', items);
        return items.All(valid) ? null : error;
    }

    private static string? ValidateFeatures(string value)
    {
        foreach (var (name, flag) in ParseProperties(value))
        {
            if (name == "mount")
            {
                continue;
            }

            if (!FeatureFlags.Contains(name))
            {
                return $"invalid format - format error\nfeatures.{name}: property is not defined in schema and the schema does not allow additional properties";
            }

            if (flag is not ("0" or "1"))
            {
                return $"invalid format - format error\nfeatures.{name}: type check ('boolean') failed - got '{flag}'";
            }
        }

        return null;
    }

    private static string? NormalizeNet(string key, string value, out string normalized)
    {
        var options = ParseProperties(value);
        normalized = value;
        if (!options.TryGetValue("name", out var name))
        {
            return $"invalid format - format error\n{key}.name: property is missing and it is not optional";
        }

        // pve-container's netN schema (LXC/Config.pm, lifecycle reference §1.1): every option typed, none beyond these.
        string? error = options.Keys.FirstOrDefault(o => !NetOptions.Contains(o)) is { } unknown
                ? $"{key}.{unknown}: property is not defined in schema and the schema does not allow additional properties"
            : !NetNamePattern().IsMatch(name) ? $"{key}.name: value does not match the regex pattern"
            : options.TryGetValue("bridge", out var bridge) && !NetNamePattern().IsMatch(bridge) ? $"{key}.bridge: value does not match the regex pattern"
            : options.TryGetValue("ip", out var ip) && ip is not ("dhcp" or "manual") && !IsCidr(ip, v6: false) ? $"{key}.ip: invalid format - value does not look like a valid IPv4 network configuration"
            : options.TryGetValue("ip6", out var ip6) && ip6 is not ("dhcp" or "auto" or "manual") && !IsCidr(ip6, v6: true) ? $"{key}.ip6: invalid format - value does not look like a valid IPv6 network configuration"
            : options.TryGetValue("gw", out var gw) && !IsAddress(gw, v6: false) ? $"{key}.gw: invalid format - value does not look like a valid IPv4 address"
            : options.TryGetValue("gw6", out var gw6) && !IsAddress(gw6, v6: true) ? $"{key}.gw6: invalid format - value does not look like a valid IPv6 address"
            : options.TryGetValue("rate", out var rate) && NonNegativeNumber(rate) is { } rateError ? $"{key}.rate: {rateError}"
            : options.TryGetValue("trunks", out var trunks) && !TrunksPattern().IsMatch(trunks) ? $"{key}.trunks: value does not match the regex pattern"
            : options.TryGetValue("link_down", out var down) && down is not ("0" or "1") ? $"{key}.link_down: type check ('boolean') failed - got '{down}'"
            : options.TryGetValue("host-managed", out var managed) && managed is not ("0" or "1") ? $"{key}.host-managed: type check ('boolean') failed - got '{managed}'"
            : options.TryGetValue("tag", out var tag) && Integer(tag, 1, 4094) is { } tagError ? $"{key}.tag: {tagError}"
            : options.TryGetValue("mtu", out var mtu) && Integer(mtu, 64, 65535) is { } mtuError ? $"{key}.mtu: {mtuError}"
            : options.TryGetValue("firewall", out var firewall) && firewall is not ("0" or "1") ? $"{key}.firewall: type check ('boolean') failed - got '{firewall}'"
            : options.TryGetValue("hwaddr", out var mac) && !MacPattern().IsMatch(mac) ? $"{key}.hwaddr: value does not match the regex pattern"
            : options.TryGetValue("type", out var type) && type != "veth" ? $"{key}.type: value '{type}' does not have a value in the enumeration 'veth'"
            : null;
        if (error is not null)
        {
            return $"invalid format - format error\n{error}";
        }

        if (options.TryGetValue("ip6", out var auto) && auto == "auto" && options.GetValueOrDefault("host-managed") == "1")
        {
            return $"{key}: SLAAC is not supported for host-managed network configuration.";
        }

        normalized = PrintNet(options);
        return null;
    }

    private static string? NormalizeDisk(string key, string value, out string normalized)
    {
        normalized = value;
        var parts = value.Split(',');
        var volume = parts[0].StartsWith("volume=", StringComparison.Ordinal) ? parts[0]["volume=".Length..] : parts[0];
        if (volume.Contains('=', StringComparison.Ordinal) || volume.Length == 0)
        {
            return $"invalid format - format error\n{key}.volume: property is missing and it is not optional";
        }

        var options = ParseProperties(string.Join(',', parts.Skip(1)));
        if (ConfigKeys.IsMountPoint(key) && !options.ContainsKey("mp"))
        {
            return $"invalid format - format error\n{key}.mp: property is missing and it is not optional";
        }

        if (options.TryGetValue("size", out var size) && ConfigKeys.ParseSize(size) is null)
        {
            return $"invalid format - format error\n{key}.size: unable to parse size '{size}'";
        }

        // Volume first, then mp=, then the rest alphabetically.
        var ordered = new List<string> { volume };
        if (options.Remove("mp", out var path))
        {
            ordered.Add($"mp={path}");
        }

        ordered.AddRange(options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
        normalized = string.Join(',', ordered);
        return null;
    }

    /// <summary>name= first, then the other keys alphabetically (print_property_string).</summary>
    private static string PrintNet(Dictionary<string, string> options)
    {
        var rest = options.Where(o => o.Key != "name").OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}");
        return string.Join(',', new[] { $"name={options["name"]}" }.Concat(rest));
    }

    private static bool IsAddress(string value, bool v6) =>
        IPAddress.TryParse(value, out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == v6
        && (v6 || value.Count(c => c == '.') == 3);

    private static string? NonNegativeNumber(string value)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return $"type check ('number') failed - got '{value}'";
        }

        return number < 0 ? "value must have a minimum value of 0" : null;
    }

    private static bool IsCidr(string value, bool v6)
    {
        var slash = value.IndexOf('/');
        return slash > 0
            && IPAddress.TryParse(value.AsSpan(0, slash), out var address)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == v6
            && int.TryParse(value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            && prefix <= (v6 ? 128 : 32);
    }

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)(\.([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?))*$")]
    private static partial Regex DnsNamePattern();

    [GeneratedRegex(@"^[a-z0-9_][a-z0-9_\-+.]*$", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^((order=)?\d+)?(,?up=\d+)?(,?down=\d+)?$")]
    private static partial Regex StartupPattern();

    [GeneratedRegex(@"^[-_.\w\d]+$")]
    private static partial Regex NetNamePattern();

    [GeneratedRegex(@"^\d+(;\d+)*$")]
    private static partial Regex TrunksPattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"^net([0-9]|[12][0-9]|3[01])$")]
    private static partial Regex NetParameterPattern();

    [GeneratedRegex(@"^mp([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$")]
    private static partial Regex MountPointParameterPattern();

    [GeneratedRegex(@"^unused\d+$")]
    private static partial Regex UnusedParameterPattern();

    [GeneratedRegex(@"^dev\d+$")]
    private static partial Regex DeviceParameterPattern();
}
