namespace PveSimulator;

/// <summary>
/// A storage as storage.cfg defines it, available on every node unless <see cref="Nodes"/> lists some.
/// Disk volumes of CTs are not stored here: they are whatever the CT configs reference.
/// </summary>
public sealed record SimStorage
{
    public required string Id { get; init; }
    /// <summary>PVE plugin type: "dir", "lvmthin", "zfspool", "nfs", ...; decides volume names and linked clones.</summary>
    public string Type { get; init; } = "dir";
    /// <summary>Content types: "vztmpl", "rootdir", "images", "iso", "backup".</summary>
    public IReadOnlyList<string> Content { get; init; } = ["vztmpl", "iso", "backup"];
    public bool Shared { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Null: every node.</summary>
    public IReadOnlyList<string>? Nodes { get; init; }
    public long TotalBytes { get; init; } = 100L << 30;
    /// <summary>Space used by things other than CT disks (templates, ISOs, backups).</summary>
    public long UsedBytes { get; init; } = 4L << 30;
    /// <summary>Template archives under template/cache, e.g. "debian-12-standard_12.7-1_amd64.tar.zst".</summary>
    public IReadOnlyList<SimTemplateVolume> Templates { get; init; } = [];

    public bool HasContent(string content) => Content.Contains(content);

    public bool IsOn(string node) => Nodes is null || Nodes.Contains(node);

    /// <summary>LVM-thin and ZFS clone base volumes; file storages never can for CTs.</summary>
    public bool SupportsLinkedClone => Type is "lvmthin" or "zfspool";

    /// <summary>The defaults of a fresh PVE install: "local" (dir, with a Debian 12 template) and "local-lvm" (lvmthin).</summary>
    public static IReadOnlyList<SimStorage> Defaults { get; } =
    [
        new SimStorage
        {
            Id = "local",
            Type = "dir",
            Content = ["vztmpl", "iso", "backup"],
            Templates = [new SimTemplateVolume("debian-12-standard_12.7-1_amd64.tar.zst", 126_859_236)],
        },
        new SimStorage { Id = "local-lvm", Type = "lvmthin", Content = ["rootdir", "images"], TotalBytes = 400L << 30, UsedBytes = 0 },
    ];
}
