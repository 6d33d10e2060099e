using System.Globalization;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>GET /version. PVE 7 says <c>7.4-16</c>; PVE 8 and 9 say <c>x.y.z</c>.</summary>
public sealed record PveVersion
{
    [JsonPropertyName("version")]
    public string Version { get; init; } = "";

    [JsonPropertyName("release")]
    public string Release { get; init; } = "";

    [JsonPropertyName("repoid")]
    public string RepoId { get; init; } = "";

    [JsonPropertyName("console")]
    public string? Console { get; init; }

    /// <summary>Major release (7, 8, 9...), 0 when the text is not understood.</summary>
    [JsonIgnore]
    public int Major => Part(0);

    [JsonIgnore]
    public int Minor => Part(1);

    public override string ToString() => Version;

    private int Part(int index)
    {
        // "release" is "7.4" on every version; "version" is the fallback ("7.4-16", "9.1.6").
        var text = string.IsNullOrEmpty(Release) ? Version : Release;
        var parts = text.Split('.', '-');
        return parts.Length > index && int.TryParse(parts[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;
    }
}
