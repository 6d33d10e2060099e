namespace PveSimulator.Model;

/// <summary>The privileges of PVE's built-in Administrator role (what root@pam holds on every path).</summary>
internal static class AdministratorRole
{
    public static readonly IReadOnlyList<string> Privileges =
    [
        "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit",
        "Group.Allocate", "Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify",
        "Pool.Allocate", "Pool.Audit", "Realm.Allocate", "Realm.AllocateUser",
        "SDN.Allocate", "SDN.Audit", "SDN.Use",
        "Sys.AccessNetwork", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog",
        "User.Modify",
        "VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Cloudinit",
        "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options",
        "VM.Console", "VM.Migrate", "VM.Monitor", "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback",
    ];
}
