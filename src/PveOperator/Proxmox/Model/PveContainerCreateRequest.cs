using System.Globalization;

namespace PveOperator.Proxmox;

/// <summary>The parameters of POST /nodes/{node}/lxc (create from a template archive).</summary>
public sealed record PveContainerCreateRequest
{
    public required int Vmid { get; init; }

    /// <summary>The template volume, "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst".</summary>
    public required string OsTemplate { get; init; }

    /// <summary>The root disk: "local-lvm:8" allocates 8 GiB on local-lvm.</summary>
    public string? RootFs { get; init; }

    public string? Hostname { get; init; }

    /// <summary>Null leaves PVE's default (unprivileged since PVE 9; privileged needs Sys.Modify on /).</summary>
    public bool? Unprivileged { get; init; }

    /// <summary>The root password inside the CT; sent, never logged, not stored in the config.</summary>
    public PveSecret? Password { get; init; }

    /// <summary>OpenSSH public keys for root, one per line.</summary>
    public string? SshPublicKeys { get; init; }

    /// <summary>Start the CT once created (PVE forks a separate vzstart task).</summary>
    public bool Start { get; init; }

    /// <summary>Further config keys as PVE spells them ("memory": "1024", "net0": "name=eth0,bridge=vmbr0,ip=dhcp", "description": ...).</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    internal List<KeyValuePair<string, string>> ToForm()
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("vmid", Vmid.ToString(CultureInfo.InvariantCulture)),
            new("ostemplate", OsTemplate),
        };
        Add(form, "rootfs", RootFs);
        Add(form, "hostname", Hostname);
        Add(form, "unprivileged", Unprivileged is { } unprivileged ? (unprivileged ? "1" : "0") : null);
        Add(form, "password", Password?.Reveal());
        Add(form, "ssh-public-keys", SshPublicKeys);
        Add(form, "start", Start ? "1" : null);
        foreach (var (key, value) in Config.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            form.Add(new(key, value));
        }

        return form;
    }

    internal static void Add(List<KeyValuePair<string, string>> form, string name, string? value)
    {
        if (value is not null)
        {
            form.Add(new(name, value));
        }
    }

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"create CT {Vmid.ToString(CultureInfo.InvariantCulture)} from {OsTemplate}";
}
