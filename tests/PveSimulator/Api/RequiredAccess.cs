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
}
