using System.Globalization;
using System.Net.Sockets;

namespace PveOperator.Proxmox;

/// <summary>
/// A container's netN line, e.g. <c>name=eth0,bridge=vmbr0,hwaddr=BC:24:11:..,ip=10.0.0.5/24,gw=10.0.0.1,ip6=auto</c>.
/// </summary>
public sealed record PveNetworkConfig
{
    /// <summary>The config key, e.g. net0.</summary>
    public required string Key { get; init; }

    /// <summary>N of netN.</summary>
    public required int Index { get; init; }

    /// <summary>Interface name inside the CT, e.g. eth0.</summary>
    public string? Name { get; init; }
    public string? Bridge { get; init; }
    public string? HardwareAddress { get; init; }

    /// <summary>IPv4: a CIDR, dhcp or manual.</summary>
    public string? Ip { get; init; }
    public string? Gateway { get; init; }

    /// <summary>IPv6: a CIDR, auto, dhcp or manual.</summary>
    public string? Ip6 { get; init; }
    public string? Gateway6 { get; init; }

    public bool? Firewall { get; init; }
    public bool? LinkDown { get; init; }
    public int? Tag { get; init; }
    public int? Mtu { get; init; }
    public string? Type { get; init; }

    /// <summary>Every key as written, including ones this record has no property for (rate, trunks, host-managed...).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The static IPv4 address; null for dhcp, manual or none.</summary>
    public PveIpAddress? StaticIpv4 =>
        PveIpAddress.TryParse(Ip, out var address) && address.Address.AddressFamily == AddressFamily.InterNetwork ? address : null;

    /// <summary>The static IPv6 address; null for auto, dhcp, manual or none.</summary>
    public PveIpAddress? StaticIpv6 =>
        PveIpAddress.TryParse(Ip6, out var address) && address.Address.AddressFamily == AddressFamily.InterNetworkV6 ? address : null;

    /// <summary>Parses one netN value; <paramref name="key"/> is "netN".</summary>
    public static PveNetworkConfig Parse(string key, string value)
    {
        var options = PvePropertyString.Parse(value);
        return new PveNetworkConfig
        {
            Key = key,
            Index = IndexOf(key) ?? -1,
            Name = options.GetValueOrDefault("name"),
            Bridge = options.GetValueOrDefault("bridge"),
            HardwareAddress = options.GetValueOrDefault("hwaddr"),
            Ip = options.GetValueOrDefault("ip"),
            Gateway = options.GetValueOrDefault("gw"),
            Ip6 = options.GetValueOrDefault("ip6"),
            Gateway6 = options.GetValueOrDefault("gw6"),
            Firewall = Bool(options, "firewall"),
            LinkDown = Bool(options, "link_down"),
            Tag = Int(options, "tag"),
            Mtu = Int(options, "mtu"),
            Type = options.GetValueOrDefault("type"),
            Options = options,
        };
    }

    /// <summary>N for a key "netN" (N a decimal number), otherwise null.</summary>
    public static int? IndexOf(string key) =>
        key.Length > 3 && key.StartsWith("net", StringComparison.Ordinal) && key[3..].All(char.IsAsciiDigit) &&
        int.TryParse(key[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static bool? Bool(IReadOnlyDictionary<string, string> options, string key) =>
        options.TryGetValue(key, out var text) && PveBoolConverter.TryParse(text, out var value) ? value : null;

    private static int? Int(IReadOnlyDictionary<string, string> options, string key) =>
        options.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
