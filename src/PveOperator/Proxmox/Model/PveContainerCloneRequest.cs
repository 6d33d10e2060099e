using System.Globalization;

namespace PveOperator.Proxmox;

/// <summary>The parameters of POST /nodes/{node}/lxc/{vmid}/clone.</summary>
public sealed record PveContainerCloneRequest
{
    public required int NewVmid { get; init; }

    /// <summary>Null copies the source's hostname.</summary>
    public string? Hostname { get; init; }

    public string? Description { get; init; }

    /// <summary>Null: PVE's default, a full clone of a normal CT and a linked clone of a template.</summary>
    public bool? Full { get; init; }

    /// <summary>Target storage of a full clone (not allowed for linked clones).</summary>
    public string? Storage { get; init; }

    /// <summary>Node the clone ends up on (every volume must be on shared storage).</summary>
    public string? Target { get; init; }

    internal List<KeyValuePair<string, string>> ToForm()
    {
        var form = new List<KeyValuePair<string, string>> { new("newid", NewVmid.ToString(CultureInfo.InvariantCulture)) };
        PveContainerCreateRequest.Add(form, "hostname", Hostname);
        PveContainerCreateRequest.Add(form, "description", Description);
        PveContainerCreateRequest.Add(form, "full", Full is { } full ? (full ? "1" : "0") : null);
        PveContainerCreateRequest.Add(form, "storage", Storage);
        PveContainerCreateRequest.Add(form, "target", Target);
        return form;
    }
}
