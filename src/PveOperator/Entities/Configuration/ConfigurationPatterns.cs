namespace PveOperator.Entities;

/// <summary>The schema patterns of the configuration fields, shared by the CRD and the operator's own checks.</summary>
public static class ConfigurationPatterns
{
    public const string Memory = @"^[1-9][0-9]{0,8}(Mi|Gi|Ti)$";

    public const string Swap = @"^(0|[1-9][0-9]{0,8}(Mi|Gi|Ti))$";

    /// <summary>Disk sizes in whole GiB or TiB: PVE allocates new volumes in GiB.</summary>
    public const string DiskSize = @"^[1-9][0-9]{0,5}(Gi|Ti)$";

    /// <summary>
    /// A disk size (<see cref="DiskSize"/>: digits, then Gi or Ti) may only grow. Written with the extended string
    /// library, which every Kubernetes with CEL has, rather than quantity(), which 1.25 to 1.27 lack.
    /// </summary>
    public const string GrowOnlyRule =
        "int(self.substring(0, self.size() - 2)) * (self.endsWith('Ti') ? 1024 : 1) >= int(oldSelf.substring(0, oldSelf.size() - 2)) * (oldSelf.endsWith('Ti') ? 1024 : 1)";

    public const string Duration = @"^([0-9]{1,5}h)?([0-9]{1,5}m)?([0-9]{1,5}s)?$";

    public const string InterfaceName = @"^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$";

    public const string Bridge = @"^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$";

    public const string StorageId = @"^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]$";

    public const string MacAddress = @"^[0-9A-Fa-f][02468AaCcEe](:[0-9A-Fa-f]{2}){5}$";

    public const string Ipv4Cidr = @"^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$";

    public const string Ipv4 = @"^([0-9]{1,3}\.){3}[0-9]{1,3}$";

    public const string Ipv6Cidr = @"^[0-9A-Fa-f:.]{2,45}/[0-9]{1,3}$";

    public const string Ipv6 = @"^[0-9A-Fa-f:.]{2,45}$";

    /// <summary>PVE's pve-tag format; PVE lower-cases tags, so the operator compares them lower-cased.</summary>
    public const string Tag = @"^[a-zA-Z0-9_][a-zA-Z0-9_\-+.]*$";

    public const string Hostname = @"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$";

    public const string MountPointName = @"^mp([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$";

    public const string MountPath = @"^/[^,;=\s]*$";
}
