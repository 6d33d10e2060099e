using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>One entry of GET /nodes/{node}/storage/{storage}/content, e.g. a vztmpl archive or a CT disk.</summary>
public sealed record PveStorageVolume
{
    /// <summary>"local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst".</summary>
    [JsonPropertyName("volid")]
    public string VolumeId { get; init; } = "";

    /// <summary>vztmpl, rootdir, images, iso, backup, ...</summary>
    [JsonPropertyName("content")]
    public string? Content { get; init; }

    /// <summary>tzst, tgz, txz, tbz2 or tar for templates; raw or subvol for CT disks.</summary>
    [JsonPropertyName("format")]
    public string? Format { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    [JsonPropertyName("ctime")]
    public long? CreatedUnixSeconds { get; init; }

    /// <summary>The owning guest of a disk volume.</summary>
    [JsonPropertyName("vmid")]
    public int? Vmid { get; init; }
}
