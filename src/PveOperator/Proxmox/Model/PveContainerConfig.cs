using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// GET /nodes/{node}/lxc/{vmid}/config. Only the keys the operator reads have properties; everything else (netN,
/// mpN, unusedN, lxc, ...) stays in <see cref="AdditionalProperties"/>, and the netN lines are parsed into
/// <see cref="Networks"/>.
/// </summary>
public sealed record PveContainerConfig : IJsonOnDeserialized
{
    private IReadOnlyList<PveNetworkConfig> networks = [];

    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    [JsonPropertyName("arch")]
    public string? Arch { get; init; }

    [JsonPropertyName("ostype")]
    public string? OsType { get; init; }

    [JsonPropertyName("cores")]
    public int? Cores { get; init; }

    /// <summary>Memory in MiB.</summary>
    [JsonPropertyName("memory")]
    public int? Memory { get; init; }

    /// <summary>Swap in MiB.</summary>
    [JsonPropertyName("swap")]
    public int? Swap { get; init; }

    /// <summary>Number-typed key: PVE may send it as a string ("0").</summary>
    [JsonPropertyName("cpulimit")]
    public double? CpuLimit { get; init; }

    [JsonPropertyName("cpuunits")]
    public int? CpuUnits { get; init; }

    [JsonPropertyName("onboot")]
    public bool? OnBoot { get; init; }

    [JsonPropertyName("protection")]
    public bool? Protection { get; init; }

    [JsonPropertyName("template")]
    public bool? Template { get; init; }

    [JsonPropertyName("unprivileged")]
    public bool? Unprivileged { get; init; }

    [JsonPropertyName("rootfs")]
    public string? RootFs { get; init; }

    [JsonPropertyName("tags")]
    public string? Tags { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("lock")]
    public string? Lock { get; init; }

    /// <summary>SHA-1 of the config file; send it back with an update to detect concurrent edits.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; init; }

    // set, not init: source-generated metadata cannot fill an init-only extension data property.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The netN lines, parsed and ordered by N.</summary>
    [JsonIgnore]
    public IReadOnlyList<PveNetworkConfig> Networks
    {
        get => networks;
        init => networks = value;
    }

    void IJsonOnDeserialized.OnDeserialized() => networks = ParseNetworks(AdditionalProperties);

    private static List<PveNetworkConfig> ParseNetworks(Dictionary<string, JsonElement>? properties) =>
        (properties ?? [])
            .Where(p => PveNetworkConfig.IndexOf(p.Key) is not null && p.Value.ValueKind == JsonValueKind.String)
            .Select(p => PveNetworkConfig.Parse(p.Key, p.Value.GetString()!))
            .OrderBy(n => n.Index)
            .ToList();
}
