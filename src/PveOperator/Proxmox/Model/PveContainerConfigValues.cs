using System.Text.Json;

namespace PveOperator.Proxmox;

/// <summary>
/// Every key of GET /nodes/{node}/lxc/{vmid}/config as text (numbers as PVE printed them), with the digest to send
/// back on an update. For drift detection, where the typed <see cref="PveContainerConfig"/> knows too few keys.
/// </summary>
public sealed record PveContainerConfigValues(string? Digest, IReadOnlyDictionary<string, string> Values)
{
    internal static PveContainerConfigValues From(Dictionary<string, JsonElement> raw)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? digest = null;
        foreach (var (key, element) in raw)
        {
            var text = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.True => "1",
                JsonValueKind.False => "0",
                _ => element.GetRawText(),
            };
            if (key == "digest")
            {
                digest = text;
            }
            else if (text is not null)
            {
                values[key] = text;
            }
        }

        return new PveContainerConfigValues(digest, values);
    }
}
