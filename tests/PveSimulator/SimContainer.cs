using System.Globalization;
using PveSimulator.Config;

namespace PveSimulator;

/// <summary>
/// A container as the simulator holds it. Its config file (<see cref="Config"/>) is the truth; the typed properties
/// read and write its keys. Net lines use PVE's netN format.
/// </summary>
public sealed class SimContainer
{
    private const long GiB = 1L << 30;
    // A CT without rootfs (only "lock: create" while the archive unpacks) reports 4 GiB, as vmstatus does.
    private const int MissingRootfsGb = 4;

    private readonly NetKeysView net;
    private int vmid;
    private int rootfsGbBeforeVmid = 8;

    public SimContainer()
    {
        Config = new ContainerConfig();
        foreach (var (key, value) in DefaultKeys)
        {
            Config.Set(key, value);
        }

        net = new NetKeysView(Config);
    }

    private static readonly (string Key, string Value)[] DefaultKeys =
    [
        ("arch", "amd64"), ("cores", "1"), ("features", "nesting=1"), ("memory", "512"), ("ostype", "debian"), ("swap", "512"), ("unprivileged", "1"),
    ];

    public required int Vmid
    {
        get => this.vmid;
        init
        {
            this.vmid = value;
            if (Config.Get("rootfs") is null)
            {
                Config.Set("rootfs", RootfsValue(value, rootfsGbBeforeVmid));
            }
        }
    }

    public required string Node { get; set; }

    /// <summary>Config "hostname"; empty for none.</summary>
    public string Name
    {
        get => Config.Get("hostname") ?? "";
        set => Config.Set("hostname", value);
    }

    public bool Running { get; set; }
    public bool HaManaged { get; set; }

    /// <summary>Config "template".</summary>
    public bool Template
    {
        get => Config.Get("template") == "1";
        set => Config.Set("template", value ? "1" : null);
    }

    /// <summary>Config "lock".</summary>
    public string? Lock
    {
        get => Config.Get("lock");
        set => Config.Set("lock", value);
    }

    /// <summary>netN lines: key "net0" → "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,ip6=auto".</summary>
    public IDictionary<string, string> Net
    {
        get => net;
        init
        {
            net.Clear();
            foreach (var (key, line) in value ?? new Dictionary<string, string>())
            {
                net[key] = line;
            }
        }
    }

    /// <summary>Addresses that DHCP hands out for interfaces configured with ip=dhcp (CIDR, e.g. "192.168.3.95/24").</summary>
    public Dictionary<string, string> DhcpAddresses { get; init; } = new();
    /// <summary>Graceful shutdown takes this long inside the CT; past the shutdown timeout the task fails unless forceStop.</summary>
    public TimeSpan ShutdownDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Config "cores"; also "cpus" in status answers.</summary>
    public int Cores
    {
        get => IntKey("cores") ?? 1;
        set => Config.Set("cores", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Config "memory" in MiB.</summary>
    public int MemoryMb
    {
        get => IntKey("memory") ?? 512;
        set => Config.Set("memory", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Config "swap" in MiB.</summary>
    public int SwapMb
    {
        get => IntKey("swap") ?? 512;
        set => Config.Set("swap", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Size of the root disk in GiB (the size= of config "rootfs", rounded up).</summary>
    public int RootfsGb
    {
        get
        {
            if (this.vmid == 0)
            {
                return rootfsGbBeforeVmid;
            }

            var bytes = Config.Get("rootfs") is { } rootfs ? ConfigKeys.ParseSize(ConfigKeys.Option(rootfs, "size")) : null;
            return bytes is { } b ? (int)((b + GiB - 1) / GiB) : MissingRootfsGb;
        }
        set
        {
            if (this.vmid == 0)
            {
                rootfsGbBeforeVmid = value;
                return;
            }

            var rootfs = Config.Get("rootfs");
            Config.Set("rootfs", rootfs is null ? RootfsValue(this.vmid, value) : ConfigKeys.WithOption(rootfs, "size", $"{value}G"));
        }
    }

    /// <summary>Config "tags", ';'-separated; null for none.</summary>
    public string? Tags
    {
        get => Config.Get("tags");
        set => Config.Set("tags", value);
    }

    /// <summary>Config "description" (the GUI's Notes; PVE keeps its lines as written); null for none.</summary>
    public string? Description
    {
        get => Config.Get("description");
        set => Config.Set("description", string.IsNullOrEmpty(value) ? null : value);
    }

    /// <summary>Config "protection": while set, PVE refuses to destroy the CT or remove its disks.</summary>
    public bool Protection
    {
        get => Config.Get("protection") == "1";
        set => Config.Set("protection", value ? "1" : null);
    }

    /// <summary>Config "rootfs" as PVE writes it, e.g. "local-lvm:base-9000-disk-0,size=8G" for a template's base volume.</summary>
    public string? Rootfs
    {
        get => Config.Get("rootfs");
        set => Config.Set("rootfs", value);
    }

    /// <summary>Any key of the config file's main section as PVE wrote it ("unprivileged", "lock", "net0", ...); null when unset.</summary>
    public string? ConfigValue(string key) => Config.Get(key);

    /// <summary>When set, a vzstart task fails with this text (e.g. "startup for container '100' failed").</summary>
    public string? StartFailure { get; set; }

    /// <summary>The config file: main section, pending section, digest.</summary>
    internal ContainerConfig Config { get; }
    /// <summary>When the CT last started: drives uptime and when DHCP addresses show up. Null while stopped.</summary>
    internal DateTimeOffset? StartedAt { get; set; }
    /// <summary>Host pid of the running CT's init.</summary>
    internal int Pid { get; set; }
    /// <summary>The HA manager's requested state ("started"/"stopped"); null until an ha* task sets it.</summary>
    internal string? HaRequestedState { get; set; }

    private int? IntKey(string key) =>
        Config.Get(key) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string RootfsValue(int vmid, int sizeGb) => string.Create(CultureInfo.InvariantCulture, $"local-lvm:vm-{vmid}-disk-0,size={sizeGb}G");
}
