namespace PveSimulator.Api;

/// <summary>The permission an endpoint checks before its handler runs (pve-api.md §1).</summary>
internal enum RequiredAccess
{
    /// <summary>Any valid token; lists filter their entries themselves.</summary>
    Authenticated,
    /// <summary>Sys.Audit on "/".</summary>
    SysAuditOnRoot,
    /// <summary>Sys.Audit on "/nodes/{node}".</summary>
    SysAuditOnNode,
    /// <summary>VM.Audit on "/vms/{vmid}".</summary>
    VmAudit,
    /// <summary>VM.PowerMgmt on "/vms/{vmid}".</summary>
    VmPowerMgmt,
    /// <summary>VM.Allocate on "/vms/{vmid}" (destroy, template conversion).</summary>
    VmAllocate,
    /// <summary>VM.Migrate on "/vms/{vmid}".</summary>
    VmMigrate,
    /// <summary>VM.Config.Disk on "/vms/{vmid}" (resize).</summary>
    VmConfigDisk,
    /// <summary>Any one of VM.Config.{Disk,CPU,Memory,Network,Options} on "/vms/{vmid}" (PUT config; keys are checked one by one later).</summary>
    VmConfigAny,
}
